/** One suppressed person: their later events are refused at every entry point. */
export interface SuppressionRecord {
  userId: string;
  /** When the suppression was made (ISO 8601). */
  suppressedAt: string;
  /** The key that made it: its id, never its secret. */
  keyId: string;
}

/**
 * The suppression list, beside the data. Implementations: the embedded SQLite store, Cosmos DB.
 * Small by design (people who asked not to be tracked): ingest reads it whole, once per cache period.
 */
export interface SuppressionStore {
  /** Every record, ordered by userId. */
  list(): Promise<SuppressionRecord[]>;
  /** Creates or replaces each record (adding an id twice keeps one record). */
  add(records: readonly SuppressionRecord[]): Promise<void>;
  /** Lifts one suppression; false when the id was not suppressed. */
  remove(userId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The suppression list as ingest sees it: the whole set in memory, refreshed on a TTL. */
export interface SuppressionList {
  /** The suppressed ids, at most the cache period old. */
  current(): Promise<ReadonlySet<string>>;
  /** Forgets the cached set, so this process sees a change it made at once. */
  invalidate(): void;
}
