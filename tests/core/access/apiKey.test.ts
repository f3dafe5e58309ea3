import { randomBytes } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatKey, hashKey, keyPrefix, parseKey } from '../../../src/core/access/apiKey.js';
import { scopes } from '../../../src/core/access/scope.js';

const secret = () => randomBytes(32).toString('base64url');

describe('formatKey and parseKey', () => {
  it('round-trips every scope, id and 256-bit secret', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...scopes),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (scope, id, bytes) => {
          const key = {
            scope,
            keyId: Buffer.from(id).toString('hex'),
            secret: Buffer.from(bytes).toString('base64url'),
          };
          const text = formatKey(key);
          expect(text.startsWith(keyPrefix(scope, key.keyId))).toBe(true);
          expect(parseKey(text)).toEqual(key);
        },
      ),
    );
  });

  it('rejects other scopes, short secrets, bad ids, padding and extra text', () => {
    const s = secret();
    expect(parseKey(`esk_write_0123456789abcdef_${s}`)).toBeDefined();
    expect(parseKey(`esk_owner_0123456789abcdef_${s}`)).toBeUndefined();
    expect(parseKey(`esk_write_0123456789abcdef_${s.slice(1)}`)).toBeUndefined();
    expect(parseKey(`esk_write_0123456789ABCDEF_${s}`)).toBeUndefined();
    expect(parseKey(`esk_write_0123456789abcdef_${s}=`)).toBeUndefined();
    expect(parseKey(` esk_write_0123456789abcdef_${s}`)).toBeUndefined();
    expect(parseKey(`sk_write_0123456789abcdef_${s}`)).toBeUndefined();
    expect(parseKey('x'.repeat(10_000))).toBeUndefined();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void parseKey(text)));
  });
});

describe('hashKey', () => {
  it('is SHA-256 hex, the same for the same key and different for another', () => {
    const a = formatKey({ scope: 'read', keyId: '0123456789abcdef', secret: secret() });
    const b = formatKey({ scope: 'read', keyId: '0123456789abcdef', secret: secret() });
    expect(hashKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(a)).toBe(hashKey(a));
    expect(hashKey(a)).not.toBe(hashKey(b));
    expect(hashKey(a)).not.toContain(a.slice(27));
  });
});
