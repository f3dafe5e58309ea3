import type { Logger, SuppressionList, SuppressionStore } from '../../ports/index.js';
import { cachedSnapshot } from './cachedSnapshot.js';

/**
 * The suppression list in memory, read whole from the store at most once per `cacheSeconds`
 * (cachedSnapshot.ts). Never suppressed by an outage: a failed refresh keeps the last set.
 */
export function createSuppressionList(
  store: SuppressionStore,
  options: { cacheSeconds: number; now: () => number; logger: Logger },
): SuppressionList {
  return cachedSnapshot(
    async (): Promise<ReadonlySet<string>> => new Set((await store.list()).map((r) => r.userId)),
    { ...options, what: 'suppression list' },
  );
}
