import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { ORACLE_ZONES, zoneOracleContract } from '../zoneOracleContract.js';

zoneOracleContract('sqlite', ORACLE_ZONES, async (zone) => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-zones-'));
  const store = createSqliteStore(join(dir, 'store.db'), { timeZone: zone });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
