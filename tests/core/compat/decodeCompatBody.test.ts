import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { decodeCompatBody } from '../../../src/core/compat/decodeCompatBody.js';
import { MAX_BODY_BYTES } from '../../../src/core/decodeBody.js';

const bytes = (s: string | Buffer) => new Uint8Array(typeof s === 'string' ? Buffer.from(s) : s);
const hints = (h: Partial<Parameters<typeof decodeCompatBody>[1]> = {}) => ({
  compression: null,
  contentType: null,
  contentEncoding: null,
  ...h,
});
const batch = { api_key: 'k', batch: [{ event: 'é', distinct_id: 'u' }] };
const json = JSON.stringify(batch);

describe('decodeCompatBody', () => {
  it('reads plain JSON whatever the Content-Type (text/plain from browsers)', () => {
    for (const contentType of [null, 'text/plain;charset=UTF-8', 'application/json']) {
      expect(decodeCompatBody(bytes(json), hints({ contentType }))).toMatchObject({
        ok: true,
        value: batch,
      });
    }
  });

  it('inflates gzip named by ?compression=gzip-js, by Content-Encoding, or by its magic bytes', () => {
    const zipped = bytes(gzipSync(json));
    for (const h of [
      { compression: 'gzip-js' },
      { contentEncoding: 'gzip' },
      {},
      { compression: 'gzip' },
    ]) {
      expect(decodeCompatBody(zipped, hints(h))).toMatchObject({ ok: true, value: batch });
    }
  });

  it('reads a body left uncompressed with ?compression=gzip-js (posthog-js fallback)', () => {
    expect(decodeCompatBody(bytes(json), hints({ compression: 'gzip-js' }))).toMatchObject({
      ok: true,
      value: batch,
    });
  });

  it('unwraps data= form bodies: percent-encoded JSON, and base64 with ?compression=base64', () => {
    const form = `data=${encodeURIComponent(json)}`;
    expect(
      decodeCompatBody(bytes(form), hints({ contentType: 'application/x-www-form-urlencoded' })),
    ).toMatchObject({ ok: true, value: batch });
    const b64 = `data=${encodeURIComponent(Buffer.from(json).toString('base64'))}`;
    expect(decodeCompatBody(bytes(b64), hints({ compression: 'base64' }))).toMatchObject({
      ok: true,
      value: batch,
    });
    // base64 named by nothing but the form: still read, as posthog-js-lite sends it.
    expect(decodeCompatBody(bytes(b64), hints())).toMatchObject({ ok: true, value: batch });
  });

  it('refuses an unknown compression, an empty form, a data field neither JSON nor base64', () => {
    expect(decodeCompatBody(bytes(json), hints({ compression: 'lz64' }))).toMatchObject({
      status: 400,
      code: 'unsupported_compression',
    });
    expect(decodeCompatBody(bytes('data='), hints())).toMatchObject({
      status: 400,
      code: 'invalid_form',
    });
    expect(decodeCompatBody(bytes('data=%%%'), hints())).toMatchObject({ status: 400 });
    expect(decodeCompatBody(bytes('data=!!not base64!!'), hints())).toMatchObject({
      status: 400,
      code: 'invalid_base64',
    });
  });

  it('bounds a gzip bomb and a base64 bomb by the body limit', () => {
    const bomb = bytes(gzipSync(Buffer.alloc(MAX_BODY_BYTES * 8, 0x20)));
    expect(decodeCompatBody(bomb, hints({ compression: 'gzip-js' }))).toMatchObject({
      status: 413,
    });
    const big = bytes(`data=${'A'.repeat(MAX_BODY_BYTES + 8)}`);
    expect(decodeCompatBody(big, hints({ compression: 'base64' }))).toMatchObject({ status: 413 });
  });

  it('reads invalid UTF-8 without throwing', () => {
    const bad = bytes(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(decodeCompatBody(bad, hints())).toMatchObject({
      ok: true,
      value: { a: '\ufffd\ufffd' },
    });
  });
});
