import { describe, expect, it } from 'vitest';

import { suppressionsContainer } from '../../../src/adapters/cosmos/containers.js';
import { createCosmosSuppressionStore } from '../../../src/adapters/cosmos/cosmosSuppressionStore.js';
import { openInFreshDatabase, useCosmosServer } from '../../support/cosmosServer.js';
import { suppression, suppressionStoreContract } from '../suppressionStoreContract.js';

const cosmos = useCosmosServer();

const fresh = async () => {
  const opened = await openInFreshDatabase(
    cosmos.client,
    'suppressions',
    createCosmosSuppressionStore,
  );
  return { ...opened, store: opened.part };
};

suppressionStoreContract('cosmos', fresh);

describe('createCosmosSuppressionStore', () => {
  it('creates the container partitioned by userId, a document per user', async () => {
    const { store, database } = await fresh();
    const container = cosmos.client.database(database).container('suppressions');
    const { resource } = await container.read();
    expect(resource?.partitionKey?.paths).toEqual(suppressionsContainer.partitionKey.paths);
    await store.add([suppression('user-a')]);
    const raw = await container.item('user-a', 'user-a').read<Record<string, unknown>>();
    expect(raw.resource?.userId).toBe('user-a');
    await cosmos.client.database(database).delete();
  });
});
