import type { Container, PatchOperation } from '@azure/cosmos';

import { rescoreKey } from '../../core/rescoreKey.js';
import type { Rescore, RescoreResult } from '../../ports.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';

const CONCURRENCY = 8;
const MAX_ATTEMPTS = 5;

const statusOf = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * ScoreStore.addScores for Cosmos DB: a point patch per document (about 10 RU each), `set` of
 * `/rescores/<name>@<version>`, which gives the same document however often it runs (unlike
 * `incr`). A document without `rescores` yet refuses a nested set (400); it then gets the whole
 * object with `add`, guarded by its ETag so a concurrent run's key is never overwritten.
 */
export function createCosmosAddScores(scores: Container) {
  const addOne = async (item: Rescore): Promise<'updated' | 'missing'> => {
    const key = rescoreKey(item);
    const doc = scores.item(item.eventId, item.userId);
    for (let attempt = 1; ; attempt++) {
      try {
        await doc.patch([{ op: 'set', path: `/rescores/${pointer(key)}`, value: item.score }]);
        return 'updated';
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return 'missing';
        if (status !== 400 || attempt >= MAX_ATTEMPTS) throw error;
      }
      const { resource, etag } = await doc.read<{ rescores?: Record<string, number> }>();
      if (!resource) return 'missing';
      if (resource.rescores !== undefined) continue;
      const add: PatchOperation = { op: 'add', path: '/rescores', value: { [key]: item.score } };
      try {
        await doc.patch([add], { accessCondition: { type: 'IfMatch', condition: etag } });
        return 'updated';
      } catch (error) {
        if (statusOf(error) !== 412 || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  };
  return async function addScores(items: readonly Rescore[]): Promise<RescoreResult> {
    const outcomes = await mapWithConcurrency(items, CONCURRENCY, addOne);
    const missing = outcomes.filter((o) => o === 'missing').length;
    return { updated: items.length - missing, missing };
  };
}
