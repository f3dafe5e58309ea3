import type { Container, JSONValue, OperationInput } from '@azure/cosmos';

import { utcDay } from '../../core/time/calendarDay.js';
import type { DeadLetterSink } from '../../ports/index.js';
import { executeBulk } from './executeBulk.js';

/**
 * byUser is a cross-partition query (the container is partitioned by day, not by user): it costs
 * about one request per physical partition plus ~2.8 RU per KB read; dead letters are few (only
 * messages that can never be scored), so this stays small. Used only by a person's export.
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
