import type { Container, JSONValue, OperationInput } from '@azure/cosmos';

import { holdsAnyId } from '../../core/privacy/deletion/holdsAnyId.js';
import { utcDay } from '../../core/time/calendarDay.js';
import type { DeadLetterSink } from '../../ports/index.js';
import { executeBulk } from './executeBulk.js';

const PAGE = 200;

/**
 * byUser (a person's export) and removeUsers (a person's deletion) read the whole container across
 * partitions (it is partitioned by day, not by user), a page of 200 at a time: a request per
 * physical partition and page, ~2.8 RU per KB read. Dead letters are few (only messages that can
 * never be scored), so this stays small. The ids are matched exactly in code, at any depth of the
 * body (holdsAnyId): set-aside compatibility messages carry them in anonymousId, distinct_id and
 * the like, which a query could not list. removeUsers deletes the matches by bulk point deletes
 * (~5 RU each).
 *
 * Dead letters as documents { id: key, day, reason, body, at } partitioned by day. Upsert makes a
 * second put of the same key (a redelivered message) overwrite rather than fail. Throws when the
 * container did not take them, so that the message is not settled.
 */
export function createCosmosDeadLetterSink(container: Container): DeadLetterSink {
  type Row = { id: string; day: string; reason: string; body: unknown };
  const holding = async (userIds: readonly string[]): Promise<Row[]> => {
    if (userIds.length === 0) return [];
    const ids = new Set(userIds);
    const found: Row[] = [];
    const pages = container.items.query<Row>('SELECT c.id, c.day, c.reason, c.body FROM c', {
      maxItemCount: PAGE,
    });
    while (pages.hasMoreResults()) {
      const { resources } = await pages.fetchNext();
      for (const r of resources) if (holdsAnyId(r.body, ids)) found.push(r);
    }
    return found;
  };
  return {
    async byUser(userIds) {
      const found = await holding(userIds);
      return found.map((r) => ({ key: r.id, reason: r.reason, body: r.body }));
    },
    async removeUsers(userIds) {
      const found = await holding(userIds);
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
