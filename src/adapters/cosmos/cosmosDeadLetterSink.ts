import type { Container, JSONValue, OperationInput } from '@azure/cosmos';

import { utcDay } from '../../core/time/calendarDay.js';
import type { DeadLetterSink } from '../../ports/index.js';
import { executeBulk } from './executeBulk.js';

/**
 * Dead letters as documents { id: key, day, reason, body, at } partitioned by day. Upsert makes a
 * second put of the same key (a redelivered message) overwrite rather than fail. Throws when the
 * container did not take them, so that the message is not settled.
 */
export function createCosmosDeadLetterSink(container: Container): DeadLetterSink {
  return {
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
