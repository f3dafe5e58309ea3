import { describe, expect, it } from 'vitest';

import { keysContainer } from '../../../src/adapters/cosmos/containers.js';
import { createCosmosKeyStore } from '../../../src/adapters/cosmos/cosmosKeyStore.js';
import { openInFreshDatabase, useCosmosServer } from '../../support/cosmosServer.js';
import { keyRecord, keyStoreContract } from '../keyStoreContract.js';

const cosmos = useCosmosServer();

const fresh = async () => {
  const opened = await openInFreshDatabase(cosmos.client, 'keys', createCosmosKeyStore);
  return { ...opened, store: opened.part };
};

keyStoreContract('cosmos', fresh);

describe('createCosmosKeyStore', () => {
  it('creates the keys container partitioned by id and stores records without extra fields', async () => {
    const { store, database } = await fresh();
    const { resource } = await cosmos.client.database(database).container('keys').read();
    expect(resource?.partitionKey?.paths).toEqual(keysContainer.partitionKey.paths);
    const record = keyRecord();
    await store.put(record);
    const raw = await cosmos.client
      .database(database)
      .container('keys')
      .item(record.keyId, record.keyId)
      .read<Record<string, unknown>>();
    expect(raw.resource?.id).toBe(record.keyId);
    expect(await store.get(record.keyId)).toEqual(record);
    await cosmos.client.database(database).delete();
  });
});
