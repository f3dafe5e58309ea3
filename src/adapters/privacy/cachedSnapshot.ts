import type { Logger } from '../../ports/index.js';

/**
 * A small list read whole from its store at most once per `cacheSeconds` (like API keys): the hot
 * path pays no store read per event, and a change made on another instance reaches this one within
 * the cache period. A failed refresh keeps the last snapshot (logged); with none, the store must answer.
 */
export function cachedSnapshot<T>(
  load: () => Promise<T>,
  options: { cacheSeconds: number; now: () => number; logger: Logger; what: string },
): { current(): Promise<T>; invalidate(): void } {
  const ttlMs = options.cacheSeconds * 1000;
  let snapshot: { value: T } | undefined;
  let loadedMs = -Infinity;
  let loading: Promise<T> | undefined;

  async function refresh(): Promise<T> {
    try {
      const value = await load();
      snapshot = { value };
      loadedMs = options.now();
      return value;
    } catch (err) {
      if (snapshot) {
        options.logger.warn(`privacy: ${options.what} refresh failed: ${(err as Error).message}`);
        return snapshot.value;
      }
      throw err;
    } finally {
      loading = undefined;
    }
  }

  return {
    current() {
      if (snapshot && options.now() - loadedMs < ttlMs) return Promise.resolve(snapshot.value);
      loading ??= refresh();
      return loading;
    },
    invalidate() {
      loadedMs = -Infinity;
    },
  };
}
