import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { deletionsContainer } from '../../../src/adapters/cosmos/containers.js';
import { createCosmosDeletionLedger } from '../../../src/adapters/cosmos/cosmosDeletionLedger.js';
import { openInFreshDatabase, useCosmosServer } from '../../support/cosmosServer.js';
import { deletionLedgerContract, deletionRequest } from '../deletionLedgerContract.js';

const cosmos = useCosmosServer();

const open = (database: string) =>
  createCosmosDeletionLedger(cosmos.client, {
    database,
    container: 'deletions',
    createIfMissing: true,
  });

deletionLedgerContract('cosmos', async () => {
  const opened = await openInFreshDatabase(cosmos.client, 'deletions', createCosmosDeletionLedger);
  return { ...opened, ledger: opened.part };
});

describe('createCosmosDeletionLedger', () => {
  it('keeps every request in one logical partition of its own container', async () => {
    const database = `test-${randomUUID()}`;
    const ledger = await open(database);
    const container = cosmos.client.database(database).container('deletions');
    const { resource } = await container.read();
    expect(resource?.partitionKey?.paths).toEqual(deletionsContainer.partitionKey.paths);
    await ledger.create(deletionRequest('del-1'));
    await ledger.create(deletionRequest('del-2'));
    const { resources } = await container.items
      .query<{ id: string; partition: string }>('SELECT c.id, c.partition FROM c')
      .fetchAll();
    expect(resources.map((r) => r.partition)).toEqual(['deletions', 'deletions']);
    await cosmos.client.database(database).delete();
  });
});
