import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { rebuildSqliteDays } from '../../../src/adapters/sqlite/rebuildSqliteDays.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { rebuildDaysContract } from '../rebuildDaysContract.js';

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
