import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { rebuildSqliteDays } from '../../../src/adapters/sqlite/rebuildSqliteDays.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { StoreZoneError } from '../../../src/core/time/storeZoneError.js';
import { rebuildDaysContract } from '../rebuildDaysContract.js';
import { scoredEvent } from '../storeContract.js';

rebuildDaysContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebuild-days-'));
  const path = join(dir, 'store.db');
  return {
    open: async (zone) => createSqliteStore(path, { timeZone: zone }),
    rebuild: (zone, onProgress) =>
      rebuildSqliteDays(path, zone, { batch: 40, ...(onProgress ? { onProgress } : {}) }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('a host left running during a rebuild', () => {
  it('cannot write: its batches fail (and are retried) until it restarts in the new zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebuild-guard-'));
    const path = join(dir, 'store.db');
    try {
      const running = createSqliteStore(path, { timeZone: 'UTC' });
      await running.write([scoredEvent('u1', '2026-03-01T23:30:00.000Z')]);
      await expect(
        rebuildSqliteDays(path, 'Europe/Berlin', {
          batch: 1,
          onProgress: () => {
            throw new Error('stopped');
          },
        }),
      ).rejects.toThrow('stopped');
      await expect(running.write([scoredEvent('u2', '2026-03-02T10:00:00.000Z')])).rejects.toThrow(
        StoreZoneError,
      );
      await running.close();
      await rebuildSqliteDays(path, 'Europe/Berlin');
      const restarted = createSqliteStore(path, { timeZone: 'Europe/Berlin' });
      expect(await restarted.dailyActiveUsers('2026-03-02', '2026-03-02')).toEqual([
        { day: '2026-03-02', activeUsers: 1 },
      ]);
      await restarted.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
