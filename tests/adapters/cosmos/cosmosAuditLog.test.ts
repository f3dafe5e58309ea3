import { randomUUID } from 'node:crypto';

import { createCosmosAuditLog } from '../../../src/adapters/cosmos/cosmosAuditLog.js';
import { useCosmosServer } from '../../support/cosmosServer.js';
import { auditLogContract } from '../auditLogContract.js';

const cosmos = useCosmosServer();

auditLogContract('cosmos', async () => {
  const database = `test-${randomUUID()}`;
  const log = await createCosmosAuditLog(cosmos.client, {
    database,
    container: 'audit',
    createIfMissing: true,
  });
  return {
    log,
    async cleanup() {
      await log.close();
      await cosmos.client.database(database).delete();
    },
  };
});
