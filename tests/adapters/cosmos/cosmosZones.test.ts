import { randomUUID } from 'node:crypto';

import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll } from 'vitest';

import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';
import { ORACLE_ZONES, zoneOracleContract } from '../zoneOracleContract.js';

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

zoneOracleContract('cosmos', ORACLE_ZONES, async (zone) => {
  const database = `zones-${randomUUID()}`;
  const store = await createCosmosStore(client, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
    timeZone: zone,
  });
  return {
    store,
    async cleanup() {
      await store.close();
      await client.database(database).delete();
    },
  };
});
