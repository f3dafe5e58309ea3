import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { decodeBody, MAX_BODY_BYTES } from '../../src/core/decodeBody.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

describe('decodeBody', () => {
  it('parses JSON', () => {
    expect(decodeBody(bytes('{"a":1}'), { contentType: 'application/json' })).toEqual({
      ok: true,
      value: { a: 1 },
      bytes: 7,
    });
  });

  it('accepts a charset and +json types, and a missing type', () => {
    expect(decodeBody(bytes('1'), { contentType: 'application/json; charset=utf-8' }).ok).toBe(
      true,
    );
    expect(decodeBody(bytes('1'), { contentType: 'application/vnd.events+json' }).ok).toBe(true);
    expect(decodeBody(bytes('1'), {}).ok).toBe(true);
  });

  it('answers 415 for another content type or encoding', () => {
    expect(
      decodeBody(bytes('a=1'), { contentType: 'application/x-www-form-urlencoded' }),
    ).toMatchObject({ status: 415 });
    expect(decodeBody(bytes('{}'), { contentEncoding: 'br' })).toMatchObject({ status: 415 });
  });

  it('names the position of a JSON syntax error', () => {
    const d = decodeBody(bytes('{"a":1,}'), {});
    expect(d).toMatchObject({ ok: false, status: 400, code: 'invalid_json' });
    if (!d.ok) expect(d.message).toMatch(/position 7/);
    const truncated = decodeBody(bytes('{"a": tru'), {});
    if (!truncated.ok) expect(truncated.message).toMatch(/position 9/);
  });

  it('inflates gzip and applies the limit to the inflated size', () => {
    const small = gzipSync('{"ok":true}');
    expect(decodeBody(small, { contentEncoding: 'gzip' })).toMatchObject({
      ok: true,
      value: { ok: true },
    });
    const bomb = gzipSync(`"${'a'.repeat(MAX_BODY_BYTES)}"`);
    expect(bomb.length).toBeLessThan(10_000);
    expect(decodeBody(bomb, { contentEncoding: 'gzip' })).toMatchObject({ ok: false, status: 413 });
  });

  it('answers 400 for corrupt gzip and 413 for a large plain body', () => {
    expect(decodeBody(bytes('not gzip'), { contentEncoding: 'gzip' })).toMatchObject({
      status: 400,
      code: 'invalid_gzip',
    });
    expect(decodeBody(new Uint8Array(MAX_BODY_BYTES + 1).fill(32), {})).toMatchObject({
      status: 413,
    });
  });

  it('answers 400 for an empty body', () => {
    expect(decodeBody(bytes('  '), {})).toMatchObject({ status: 400, code: 'empty_body' });
  });
});
