import { join, resolve } from 'node:path';

import type { Config } from '../../config.js';
import type { ApiKeyStore } from '../../ports.js';

/** The key store the settings name, with its own client: for `npm run keys`, outside the host. */
export async function openKeyStore(config: Config, baseDir: string): Promise<ApiKeyStore> {
  if (config.STORE_BACKEND === 'sqlite') {
    const { createSqliteKeyStore } = await import('../sqlite/sqliteKeyStore.js');
    return createSqliteKeyStore(join(resolve(baseDir, config.DATA_DIR), 'store.db'));
  }
  const { createCosmosClient } = await import('../cosmos/createCosmosClient.js');
  const { createCosmosKeyStore } = await import('../cosmos/cosmosKeyStore.js');
  const client = createCosmosClient(config);
  try {
    const store = await createCosmosKeyStore(client, {
      database: config.COSMOS_DATABASE,
      container: config.COSMOS_API_KEYS_CONTAINER,
      createIfMissing: config.COSMOS_CREATE_IF_MISSING,
    });
    return { ...store, close: async () => client.dispose() };
  } catch (err) {
    client.dispose();
    throw err;
  }
}
