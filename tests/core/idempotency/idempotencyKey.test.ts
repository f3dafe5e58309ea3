import { createHash } from 'node:crypto';

import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';

import { eventSchema } from '../../../src/core/event.js';
import {
  deriveEventId,
  IDEMPOTENCY_NAMESPACE,
  parseIdempotencyKey,
} from '../../../src/core/idempotency/idempotencyKey.js';

describe('parseIdempotencyKey', () => {
  it('accepts absent, 1 and 255 visible ASCII characters', () => {
    expect(parseIdempotencyKey(null)).toEqual({ ok: true, value: undefined });
    expect(parseIdempotencyKey('a')).toEqual({ ok: true, value: 'a' });
    const longest = '~!'.repeat(127) + 'x';
    expect(parseIdempotencyKey(longest)).toEqual({ ok: true, value: longest });
  });

  it('rejects empty, 256 characters, spaces, controls and non-ASCII, naming the header', () => {
    for (const bad of ['', 'x'.repeat(256), 'a b', 'a\tb', 'caf\u00e9', '\u007f']) {
      const outcome = parseIdempotencyKey(bad);
      expect(outcome.ok, JSON.stringify(bad)).toBe(false);
      if (!outcome.ok) expect(outcome.message).toMatch(/^Idempotency-Key /);
    }
  });
});

describe('deriveEventId', () => {
  it('gives a lower-case UUIDv5 that zod accepts, the same for the same inputs', () => {
    const id = deriveEventId('key-1', 'req-7', 0);
    expect(validate(id) && version(id)).toBe(5);
    expect(id).toBe(id.toLowerCase());
    expect(eventSchema.safeParse({ eventId: id, userId: 'u', type: 't' }).success).toBe(true);
    expect(deriveEventId('key-1', 'req-7', 0)).toBe(id);
  });

  it('differs by key identity, idempotency key and index, without join collisions', () => {
    const ids = new Set([
      deriveEventId('key-1', 'req-7', 0),
      deriveEventId('key-2', 'req-7', 0),
      deriveEventId('key-1', 'req-8', 0),
      deriveEventId('key-1', 'req-7', 1),
      deriveEventId('key-1', 'req-71', 0),
      deriveEventId('key-1r', 'eq-7', 0),
      deriveEventId('key-1', 'req-', 70),
    ]);
    expect(ids.size).toBe(7);
  });

  it('is pinned to its documented namespace (changing it would double-store retries)', () => {
    expect(IDEMPOTENCY_NAMESPACE).toBe('6d1f3a52-0c4e-4b8e-9a57-2f4a1c9e7b30');
    expect(deriveEventId('open', 'abc', 0)).toBe(rfc9562v5(IDEMPOTENCY_NAMESPACE, 'open\nabc\n0'));
  });
});

/** UUIDv5 as RFC 9562 section 5.5 defines it, with node:crypto: SHA-1 of namespace bytes + name. */
function rfc9562v5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
