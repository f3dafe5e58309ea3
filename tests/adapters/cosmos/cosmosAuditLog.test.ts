import { createCosmosAuditLog } from '../../../src/adapters/cosmos/cosmosAuditLog.js';
import { openInFreshDatabase, useCosmosServer } from '../../support/cosmosServer.js';
import { auditLogContract } from '../auditLogContract.js';

const cosmos = useCosmosServer();

auditLogContract('cosmos', async () => {
  const opened = await openInFreshDatabase(cosmos.client, 'audit', createCosmosAuditLog);
  return { ...opened, log: opened.part };
});
