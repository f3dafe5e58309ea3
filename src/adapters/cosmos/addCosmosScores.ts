import type { Container, PatchOperation } from '@azure/cosmos';

import { rescoreKey } from '../../core/rescoreKey.js';
import type { Rescore, RescoreResult } from '../../ports/index.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';

const CONCURRENCY = 8;
const MAX_ATTEMPTS = 5;

const statusOf = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * ScoreStore.addScores for Cosmos DB: a point read (1 RU) and, unless the version's score is there
 * already, one patch guarded by the read's ETag (about 10 RU): `set` of `/rescores/<name>@<version>`
 * when the map exists, `add` of the whole map when it does not (a nested set under a missing parent
 * is refused). Both give the same document however often they run, unlike `incr`; a 412 means a
 * concurrent run changed the document, so it is read again. A second run costs only the reads.
 */
export function createCosmosAddScores(
  scores: Container,
  /** Told the days of the documents that changed, after they did (the Parquet compaction's marks). */
  changed: (days: string[]) => Promise<void> = async () => undefined,
) {
  const addOne = async (item: Rescore): Promise<'updated' | 'missing' | { day: string }> => {
    const key = rescoreKey(item);
    const doc = scores.item(item.eventId, item.userId);
    for (let attempt = 1; ; attempt++) {
      const { resource, etag } = await doc.read<{
        day: string;
        rescores?: Record<string, number>;
      }>();
      if (!resource) return 'missing';
      // Already there: the day is told again, in case a crash came between the patch and the mark.
      if (resource.rescores?.[key] !== undefined) return { day: resource.day };
      const operation: PatchOperation =
        resource.rescores === undefined
          ? { op: 'add', path: '/rescores', value: { [key]: item.score } }
          : { op: 'set', path: `/rescores/${pointer(key)}`, value: item.score };
      try {
        await doc.patch([operation], { accessCondition: { type: 'IfMatch', condition: etag } });
        return { day: resource.day };
      } catch (error) {
        if (statusOf(error) === 404) return 'missing';
        if (statusOf(error) !== 412 || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  };
  return async function addScores(items: readonly Rescore[]): Promise<RescoreResult> {
    const outcomes = await mapWithConcurrency(items, CONCURRENCY, addOne);
    const missing = outcomes.filter((o) => o === 'missing').length;
    await changed([...new Set(outcomes.flatMap((o) => (typeof o === 'object' ? [o.day] : [])))]);
    return { updated: items.length - missing, missing };
  };
}
