import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import { dayDocumentsContract } from '../adapters/dayDocumentsContract.js';

dayDocumentsContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'store-'));
  const store = createSqliteStore(join(dir, 'store.db'));
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
