import type { Container, CosmosClient } from '@azure/cosmos';

import type { ApiKeyRecord } from '../../core/access/apiKeyRecord.js';
import type { ApiKeyStore } from '../../ports/index.js';
import { keysContainer } from './containers.js';
import { openContainer } from './openContainer.js';

function toRecord(resource: Record<string, unknown>): ApiKeyRecord {
  const record = Object.fromEntries(
    Object.entries(resource).filter(([key]) => key !== 'id' && !key.startsWith('_')),
  );
  return record as unknown as ApiKeyRecord;
}

/**
 * API keys in a Cosmos DB container partitioned by id = keyId. get is a point read (1 RU);
 * touch is a patch of one field; list and hasAny are cross-partition queries over a table of a few
 * hundred documents at most, run by key management and once per cache period.
 */
export async function createCosmosKeyStore(
  client: CosmosClient,
  options: { database: string; container: string; createIfMissing: boolean },
): Promise<ApiKeyStore> {
  const container: Container = await openContainer(
    client,
    options.database,
    options.container,
    keysContainer,
    options.createIfMissing,
  );
  return {
    async get(keyId) {
      const { resource, statusCode } = await container
        .item(keyId, keyId)
        .read<Record<string, unknown>>();
      if (statusCode === 404 || !resource) return undefined;
      return toRecord(resource);
    },
    async put(record) {
      await container.items.upsert({ ...record, id: record.keyId });
    },
    async list() {
      const { resources } = await container.items
        .query<Record<string, unknown>>('SELECT * FROM c')
        .fetchAll();
      return resources.map(toRecord).sort((a, b) => a.keyId.localeCompare(b.keyId));
    },
    async hasAny() {
      const { resources } = await container.items
        .query<string>('SELECT TOP 1 VALUE c.id FROM c')
        .fetchAll();
      return resources.length > 0;
    },
    async touch(keyId, lastUsedAt) {
      await container
        .item(keyId, keyId)
        .patch([{ op: 'set', path: '/lastUsedAt', value: lastUsedAt }]);
    },
    close: async () => undefined,
  };
}
