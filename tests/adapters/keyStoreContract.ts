import { randomBytes } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ApiKeyRecord } from '../../src/core/access/apiKeyRecord.js';
import type { ApiKeyStore } from '../../src/ports/index.js';

export interface KeyStoreUnderTest {
  store: ApiKeyStore;
  cleanup(): Promise<void>;
}

export function keyRecord(extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    keyId: randomBytes(8).toString('hex'),
    name: 'ios-app',
    scope: 'write',
    hash: randomBytes(32).toString('hex'),
    createdAt: '2026-12-01T10:00:00.000Z',
    ...extra,
  };
}

/** The behaviour every ApiKeyStore shares; each adapter's test file runs it against its own peer. */
export function keyStoreContract(name: string, make: () => Promise<KeyStoreUnderTest>): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let subject: KeyStoreUnderTest;
    let store: ApiKeyStore;
    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('has no keys at first, then has one once put', async () => {
      expect(await store.hasAny()).toBe(false);
      expect(await store.list()).toEqual([]);
      const record = keyRecord({ ratePerSecond: 5, burst: 2000 });
      await store.put(record);
      expect(await store.hasAny()).toBe(true);
      expect(await store.get(record.keyId)).toEqual(record);
    });

    it('answers undefined for an unknown id', async () => {
      expect(await store.get('0123456789abcdef')).toBeUndefined();
    });

    it('replaces a record on put (rotation, revocation) and lists every record', async () => {
      const a = keyRecord({ name: 'a' });
      const b = keyRecord({ name: 'b', scope: 'read' });
      await store.put(a);
      await store.put(b);
      const rotated: ApiKeyRecord = {
        ...a,
        hash: randomBytes(32).toString('hex'),
        previousHash: a.hash,
        previousValidUntil: '2026-12-02T10:00:00.000Z',
        rotatedAt: '2026-12-01T10:00:00.000Z',
      };
      await store.put(rotated);
      expect(await store.get(a.keyId)).toEqual(rotated);
      const listed = await store.list();
      expect(listed).toHaveLength(2);
      expect(listed).toEqual(expect.arrayContaining([rotated, b]));
    });

    it('touches lastUsedAt only, keeping a revocation written in between', async () => {
      const record = keyRecord();
      await store.put(record);
      await store.put({ ...record, revokedAt: '2026-12-01T11:00:00.000Z' });
      await store.touch(record.keyId, '2026-12-01T11:00:01.000Z');
      expect(await store.get(record.keyId)).toEqual({
        ...record,
        revokedAt: '2026-12-01T11:00:00.000Z',
        lastUsedAt: '2026-12-01T11:00:01.000Z',
      });
    });
  });
}
