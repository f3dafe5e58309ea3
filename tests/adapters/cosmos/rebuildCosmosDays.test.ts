import { randomUUID } from 'node:crypto';

import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll } from 'vitest';

import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { rebuildCosmosDays } from '../../../src/adapters/cosmos/rebuildCosmosDays.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';
import { rebuildDaysContract } from '../rebuildDaysContract.js';

let server: CosmosTestServer;
let client: CosmosClient;

beforeAll(async () => {
  server = await startCosmosServer();
  client = server.client();
});
afterAll(async () => {
  client.dispose();
  await server.close();
});

rebuildDaysContract('cosmos', async () => {
  const options = {
    database: `rebuild-${randomUUID()}`,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
  };
  return {
    open: (zone) => createCosmosStore(client, { ...options, timeZone: zone }),
    rebuild: (zone, onProgress) => rebuildCosmosDays(client, options, zone, onProgress),
    cleanup: async () => {
      await client.database(options.database).delete();
    },
  };
});
