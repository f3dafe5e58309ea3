/**
 * What this process has already seen Cosmos DB store, so a write does not ask again: a bounded
 * map whose entries expire (default one hour), each a fact that later writes cannot make false
 * (a document created, a first day that can only move earlier), so skipping the request changes
 * no result. Per process: behind a scale-out each instance keeps its own. What it cannot see: a
 * deletion by another process (a privacy erasure) is noticed only once the entry expires; an
 * erasure in this process forgets what it deletes.
 */
export interface WriteMemo {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  forget(key: string): void;
}

export function createWriteMemo(
  options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {},
): WriteMemo {
  const maxEntries = options.maxEntries ?? 200_000;
  const ttlMs = options.ttlMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; until: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.until > now()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value) {
      entries.delete(key);
      // Map keeps insertion order: the first key is the oldest write.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until: now() + ttlMs });
    },
    forget(key) {
      entries.delete(key);
    },
  };
}

/** A memo that remembers nothing: every write asks Cosmos DB, as before the memo existed. */
export const noWriteMemo: WriteMemo = {
  get: () => undefined,
  set: () => undefined,
  forget: () => undefined,
};
