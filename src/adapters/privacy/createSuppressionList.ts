import type { Logger, SuppressionList, SuppressionStore } from '../../ports/index.js';

/**
 * The suppression list in memory, read whole from the store at most once per `cacheSeconds`
 * (like API keys): ingest pays no store read per event, and a suppression made on another instance
 * reaches this one within the cache period. A failed refresh keeps the last set (logged).
 */
export function createSuppressionList(
  store: SuppressionStore,
  options: { cacheSeconds: number; now: () => number; logger: Logger },
): SuppressionList {
  const ttlMs = options.cacheSeconds * 1000;
  let set: ReadonlySet<string> | undefined;
  let loadedMs = -Infinity;
  let loading: Promise<ReadonlySet<string>> | undefined;

  async function load(): Promise<ReadonlySet<string>> {
    try {
      const records = await store.list();
      set = new Set(records.map((r) => r.userId));
      loadedMs = options.now();
      return set;
    } catch (err) {
      // Never suppressed by an outage: the last known set stays; with none, the store must answer.
      if (set) {
        options.logger.warn(`privacy: suppression list refresh failed: ${(err as Error).message}`);
        return set;
      }
      throw err;
    } finally {
      loading = undefined;
    }
  }

  return {
    current() {
      if (set && options.now() - loadedMs < ttlMs) return Promise.resolve(set);
      loading ??= load();
      return loading;
    },
    invalidate() {
      loadedMs = -Infinity;
    },
  };
}
