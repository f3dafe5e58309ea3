import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { SuppressionRecord, SuppressionStore } from '../../src/ports/index.js';

export interface SuppressionStoreUnderTest {
  store: SuppressionStore;
  cleanup(): Promise<void>;
}

export const suppression = (userId: string, extra: Partial<SuppressionRecord> = {}) => ({
  userId,
  suppressedAt: '2026-12-04T10:00:00.000Z',
  keyId: 'a1b2c3d4e5f60718',
  ...extra,
});

/** The behaviour every SuppressionStore shares; each adapter's test file runs it against its own peer. */
export function suppressionStoreContract(
  name: string,
  make: () => Promise<SuppressionStoreUnderTest>,
): void {
  describe(`SuppressionStore contract: ${name}`, () => {
    let subject: SuppressionStoreUnderTest;
    let store: SuppressionStore;
    beforeEach(async () => {
      subject = await make();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('is empty at first, then lists what was added ordered by userId', async () => {
      expect(await store.list()).toEqual([]);
      await store.add([suppression('user-b'), suppression('user-a')]);
      expect(await store.list()).toEqual([suppression('user-a'), suppression('user-b')]);
    });

    it('keeps one record per id when added twice, the later one', async () => {
      await store.add([suppression('user-a')]);
      await store.add([suppression('user-a', { suppressedAt: '2026-12-04T11:00:00.000Z' })]);
      expect(await store.list()).toEqual([
        suppression('user-a', { suppressedAt: '2026-12-04T11:00:00.000Z' }),
      ]);
    });

    it('lifts one id and says whether it was there', async () => {
      await store.add([suppression('user-a'), suppression('user-b')]);
      expect(await store.remove('user-a')).toBe(true);
      expect(await store.remove('user-a')).toBe(false);
      expect(await store.remove('never')).toBe(false);
      expect((await store.list()).map((r) => r.userId)).toEqual(['user-b']);
    });

    it('holds ids of any character the userId rule allows', async () => {
      const ids = ['a/b#c?d\\e', 'ünïcødé 用户', 'x'.repeat(255)];
      await store.add(ids.map((id) => suppression(id)));
      expect(new Set((await store.list()).map((r) => r.userId))).toEqual(new Set(ids));
      expect(await store.remove('a/b#c?d\\e')).toBe(true);
      expect(await store.list()).toHaveLength(2);
    });
  });
}
