import { randomUUID } from 'node:crypto';

import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll } from 'vitest';

import { createCosmosStore } from '../../src/adapters/cosmos/cosmosStore.js';
import { dayDocumentsContract } from '../adapters/dayDocumentsContract.js';
import { type CosmosTestServer, startCosmosServer } from '../support/cosmosServer.js';

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

dayDocumentsContract('cosmos', async () => {
  const database = `test-${randomUUID()}`;
  const store = await createCosmosStore(client, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
  });
  return {
    store,
    async cleanup() {
      await client.database(database).delete();
    },
  };
});
