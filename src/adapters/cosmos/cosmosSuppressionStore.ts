import type { CosmosClient } from '@azure/cosmos';

import type { SuppressionRecord, SuppressionStore } from '../../ports/index.js';
import { suppressionsContainer } from './containers.js';
import { cosmosIdOf } from './cosmosIdOf.js';
import { openContainer } from './openContainer.js';

const toRecord = (r: Record<string, unknown>): SuppressionRecord => ({
  userId: r.userId as string,
  suppressedAt: r.suppressedAt as string,
  keyId: r.keyId as string,
});

/**
 * The suppression list in a Cosmos DB container partitioned by /userId. add is one upsert per id
 * (~10 RU each), remove one point delete; list is a cross-partition read of the whole (small)
 * container, run once per SUPPRESSION_CACHE_SECONDS per instance and by the admin route.
 */
export async function createCosmosSuppressionStore(
  client: CosmosClient,
  options: { database: string; container: string; createIfMissing: boolean },
): Promise<SuppressionStore> {
  const container = await openContainer(
    client,
    options.database,
    options.container,
    suppressionsContainer,
    options.createIfMissing,
  );
  return {
    async list() {
      const { resources } = await container.items
        .query<Record<string, unknown>>('SELECT c.userId, c.suppressedAt, c.keyId FROM c')
        .fetchAll();
      return resources
        .map(toRecord)
        .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    },
    async add(records) {
      for (const r of records) {
        await container.items.upsert({ id: cosmosIdOf(r.userId), ...r });
      }
    },
    async remove(userId) {
      try {
        await container.item(cosmosIdOf(userId), userId).delete();
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return false;
        throw err;
      }
    },
    close: async () => undefined,
  };
}
