import { describe, expect, it } from 'vitest';

import { createSuppressionList } from '../../../src/adapters/privacy/createSuppressionList.js';
import { createSqliteSuppressionStore } from '../../../src/adapters/sqlite/sqliteSuppressionStore.js';
import type { SuppressionStore } from '../../../src/ports/index.js';
import { suppression } from '../suppressionStoreContract.js';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A real SQLite store whose list() calls are counted (and can be made to fail). */
function counted(): SuppressionStore & { reads: number; fail: boolean } {
  const inner = createSqliteSuppressionStore(':memory:');
  const store = {
    ...inner,
    reads: 0,
    fail: false,
    async list() {
      store.reads++;
      if (store.fail) throw new Error('store down');
      return inner.list();
    },
  };
  return store;
}

describe('createSuppressionList', () => {
  it('reads the store once per cache period, and sees a change after it', async () => {
    let clock = 0;
    const store = counted();
    const list = createSuppressionList(store, { cacheSeconds: 30, now: () => clock, logger });
    expect((await list.current()).has('gone')).toBe(false);
    await store.add([suppression('gone')]);
    for (let i = 0; i < 100; i++) await list.current();
    expect(store.reads).toBe(1);
    expect((await list.current()).has('gone')).toBe(false);
    clock += 30_000;
    expect((await list.current()).has('gone')).toBe(true);
    expect(store.reads).toBe(2);
  });

  it('reloads at once after invalidate', async () => {
    const store = counted();
    const list = createSuppressionList(store, { cacheSeconds: 30, now: () => 0, logger });
    await list.current();
    await store.add([suppression('gone')]);
    list.invalidate();
    expect((await list.current()).has('gone')).toBe(true);
  });

  it('keeps the last set through a failed refresh, and fails with none', async () => {
    let clock = 0;
    const store = counted();
    await store.add([suppression('gone')]);
    const list = createSuppressionList(store, { cacheSeconds: 1, now: () => clock, logger });
    expect((await list.current()).has('gone')).toBe(true);
    store.fail = true;
    clock += 5_000;
    expect((await list.current()).has('gone')).toBe(true);
    const fresh = createSuppressionList(store, { cacheSeconds: 1, now: () => clock, logger });
    await expect(fresh.current()).rejects.toThrow('store down');
  });
});
