import type { Container, JSONValue, OperationInput } from '@azure/cosmos';

import { holdsAnyId } from '../../core/privacy/deletion/holdsAnyId.js';
import { utcDay } from '../../core/time/calendarDay.js';
import type { DeadLetterSink } from '../../ports/index.js';
import { executeBulk } from './executeBulk.js';

const PAGE = 200;

/**
 * byUser is a cross-partition query (the container is partitioned by day, not by user): it costs
 * about one request per physical partition plus ~2.8 RU per KB read; dead letters are few (only
 * messages that can never be scored), so this stays small. Used only by a person's export.
 *
 * removeUsers reads the whole container across partitions, a page of 200 at a time (a request per
 * physical partition and page, ~2.8 RU per KB read), matches the ids exactly in code (at any depth
 * of the body: set-aside compatibility messages carry them in anonymousId, distinct_id and the
 * like, which a query could not list) and deletes the matches by bulk point deletes (~5 RU each).
 *
 * Dead letters as documents { id: key, day, reason, body, at } partitioned by day. Upsert makes a
 * second put of the same key (a redelivered message) overwrite rather than fail. Throws when the
 * container did not take them, so that the message is not settled.
 */
export function createCosmosDeadLetterSink(container: Container): DeadLetterSink {
  return {
    async byUser(userIds) {
      if (userIds.length === 0) return [];
      const { resources } = await container.items
        .query<{ id: string; reason: string; body: unknown }>({
          query: 'SELECT c.id, c.reason, c.body FROM c WHERE ARRAY_CONTAINS(@ids, c.body.userId)',
          parameters: [{ name: '@ids', value: [...userIds] }],
        })
        .fetchAll();
      return resources.map((r) => ({ key: r.id, reason: r.reason, body: r.body }));
    },
    async removeUsers(userIds) {
      if (userIds.length === 0) return 0;
      const ids = new Set(userIds);
      const found: { id: string; day: string }[] = [];
      const pages = container.items.query<{ id: string; day: string; body: unknown }>(
        'SELECT c.id, c.day, c.body FROM c',
        { maxItemCount: PAGE },
      );
      while (pages.hasMoreResults()) {
        const { resources } = await pages.fetchNext();
        for (const r of resources) if (holdsAnyId(r.body, ids)) found.push(r);
      }
      const { statusCodes } = await executeBulk(
        container,
        found.map((r) => ({ operationType: 'Delete', id: r.id, partitionKey: r.day })),
      );
      const bad = [...new Set(statusCodes.filter((code) => code !== 204 && code !== 404))];
      if (bad.length > 0)
        throw new Error(`Cosmos DB dead-letter delete failed with status ${bad.join(', ')}`);
      return statusCodes.filter((code) => code === 204).length;
    },
    async put(items) {
      if (items.length === 0) return;
      const at = new Date().toISOString();
      const day = utcDay(at);
      const operations: OperationInput[] = items.map((item) => ({
        operationType: 'Upsert',
        partitionKey: day,
        resourceBody: { id: item.key, day, reason: item.reason, body: item.body as JSONValue, at },
      }));
      const { statusCodes } = await executeBulk(container, operations);
      const bad = [...new Set(statusCodes.filter((code) => code !== 200 && code !== 201))];
      if (bad.length > 0) {
        throw new Error(`Cosmos DB dead-letter write failed with status ${bad.join(', ')}`);
      }
    },
  };
}
