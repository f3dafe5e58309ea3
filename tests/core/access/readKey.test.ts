import { describe, expect, it } from 'vitest';

import { grants } from '../../../src/core/access/grants.js';
import { readKey } from '../../../src/core/access/readKey.js';

const h = (headers: Record<string, string>) => new Headers(headers);
const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('readKey', () => {
  it('reads Bearer, x-api-key and Basic with the key as user and an empty password', () => {
    expect(readKey(h({ authorization: 'Bearer esk_a' }))).toBe('esk_a');
    expect(readKey(h({ authorization: 'bearer   esk_a ' }))).toBe('esk_a');
    expect(readKey(h({ 'x-api-key': 'esk_b' }))).toBe('esk_b');
    expect(readKey(h({ authorization: basic('esk_c:') }))).toBe('esk_c');
    expect(readKey(h({ authorization: basic('esk_c') }))).toBe('esk_c');
  });

  it('prefers x-api-key over Authorization', () => {
    expect(readKey(h({ 'x-api-key': 'esk_b', authorization: 'Bearer esk_a' }))).toBe('esk_b');
  });

  it('finds nothing in absent, empty, unknown-scheme or user-less headers', () => {
    expect(readKey(h({}))).toBeUndefined();
    expect(readKey(h({ authorization: 'Bearer ' }))).toBeUndefined();
    expect(readKey(h({ authorization: 'Bearer' }))).toBeUndefined();
    expect(readKey(h({ authorization: 'Digest esk_a' }))).toBeUndefined();
    expect(readKey(h({ authorization: basic(':secret') }))).toBeUndefined();
    expect(readKey(h({ authorization: 'Basic %%%' }))).toBeUndefined();
    expect(readKey(h({ 'x-api-key': '  ' }))).toBeUndefined();
  });
});

describe('grants', () => {
  it('lets admin read, and each scope only its own otherwise', () => {
    expect(grants('write', 'write')).toBe(true);
    expect(grants('read', 'read')).toBe(true);
    expect(grants('admin', 'admin')).toBe(true);
    expect(grants('admin', 'read')).toBe(true);
    expect(grants('admin', 'write')).toBe(false);
    expect(grants('read', 'write')).toBe(false);
    expect(grants('write', 'read')).toBe(false);
    expect(grants('read', 'admin')).toBe(false);
  });
});
