import { randomUUID } from 'node:crypto';

import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll } from 'vitest';

import { createCosmosAuditLog } from '../../../src/adapters/cosmos/cosmosAuditLog.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';
import { auditLogContract } from '../auditLogContract.js';

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

auditLogContract('cosmos', async () => {
  const database = `test-${randomUUID()}`;
  const log = await createCosmosAuditLog(client, {
    database,
    container: 'audit',
    createIfMissing: true,
  });
  return {
    log,
    async cleanup() {
      await log.close();
      await client.database(database).delete();
    },
  };
});
