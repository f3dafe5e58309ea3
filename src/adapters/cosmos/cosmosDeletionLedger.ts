import type { CosmosClient } from '@azure/cosmos';

import { fingerprint } from '../../core/privacy/deletion/fingerprint.js';
import type { DeletionLedger, DeletionRequest, LedgerEntry } from '../../ports/index.js';
import { deletionsContainer } from './containers.js';
import { openContainer } from './openContainer.js';

/** Every request is in one logical partition: requests are few (20 GB holds millions of them). */
const PARTITION = 'deletions';

const statusOf = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** Drops the partition key and what Cosmos DB adds (_rid, _etag, _ts, ...). */
const toRequest = (r: Record<string, unknown>): DeletionRequest =>
  Object.fromEntries(
    Object.entries(r).filter(([key]) => key !== 'partition' && !key.startsWith('_')),
  ) as unknown as DeletionRequest;

const oldestFirst = (a: DeletionRequest, b: DeletionRequest) =>
  a.requestedAt < b.requestedAt
    ? -1
    : a.requestedAt > b.requestedAt
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;

/**
 * The deletion requests and ledger in a Cosmos DB container of their own (COSMOS_DELETIONS_CONTAINER,
 * not in backups, so a restore never replaces it), every request one document in one logical
 * partition. Costs: create ~6 RU per KB of request (a create never overwrites: 409 leaves it);
 * get a point read, 1 RU; save a replace, ~10 RU; unfinished() one query inside the partition on
 * the state index; entries() one query inside the partition projecting the cut-off and the
 * fingerprints (~3 RU per KB read; a done request holds no ids, so its document is small).
 */
export async function createCosmosDeletionLedger(
  client: CosmosClient,
  options: { database: string; container: string; createIfMissing: boolean },
): Promise<DeletionLedger> {
  const container = await openContainer(
    client,
    options.database,
    options.container,
    deletionsContainer,
    options.createIfMissing,
  );
  const body = (request: DeletionRequest) => ({ ...request, partition: PARTITION });
  return {
    async create(request) {
      try {
        await container.items.create(body(request));
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
    },
    async get(id) {
      const { resource } = await container.item(id, PARTITION).read<Record<string, unknown>>();
      return resource && toRequest(resource);
    },
    async save(request) {
      await container.items.upsert(body(request));
    },
    async unfinished() {
      const { resources } = await container.items
        .query<Record<string, unknown>>(
          {
            query: 'SELECT * FROM c WHERE c.partition = @p AND c.state != @done',
            parameters: [
              { name: '@p', value: PARTITION },
              { name: '@done', value: 'done' },
            ],
          },
          { partitionKey: PARTITION },
        )
        .fetchAll();
      return resources.map(toRequest).sort(oldestFirst);
    },
    async entries(): Promise<LedgerEntry[]> {
      const { resources } = await container.items
        .query<{ fingerprints?: string[]; userIds?: string[]; receivedUpTo: string }>(
          {
            query: 'SELECT c.fingerprints, c.userIds, c.receivedUpTo FROM c WHERE c.partition = @p',
            parameters: [{ name: '@p', value: PARTITION }],
          },
          { partitionKey: PARTITION },
        )
        .fetchAll();
      // A request not resolved yet has no fingerprints: its asked ids stand for it meanwhile.
      return resources.map((r) => ({
        fingerprints:
          r.fingerprints && r.fingerprints.length > 0
            ? r.fingerprints
            : (r.userIds ?? []).map(fingerprint),
        receivedUpTo: r.receivedUpTo,
      }));
    },
    close: async () => undefined,
  };
}
