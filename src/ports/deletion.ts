/**
 * Deleting a person (README, "Privacy"): the requests, which are also the deletion ledger, and what
 * each place that holds personal data offers to remove one.
 */

export type DeletionState = 'pending' | 'running' | 'done' | 'failed';

/** The steps of a deletion (core/privacy/deletion/runDeletion.ts); a request records the next one. */
export type DeletionStep =
  'resolve' | 'locate' | 'store' | 'archive' | 'deadLetters' | 'queue' | 'eventFiles' | 'finished';

/** What one deletion removed, per place: counts only, never data. */
export interface DeletionRemoved {
  /** Scored event documents. */
  documents: number;
  profiles: number;
  identityLinks: number;
  /** Archive lines removed, and the archive objects rewritten to remove them. */
  archiveLines: number;
  archiveObjects: number;
  /** Dead letters and set-aside compatibility messages. */
  deadLetters: number;
  /** Events removed from messages still waiting in the embedded queue. */
  queuedEvents: number;
  /** Parquet day files rewritten. */
  eventFileDays: number;
  /** Store requests the deletion made (Cosmos DB: one request each; SQLite: transactions). */
  storeRequests: number;
}

/**
 * One deletion request. Its plain ids are held only while it runs (`userIds`, `erasedIds`) and
 * cleared when it is done; what stays for ever is the ledger part: `fingerprints` (SHA-256 of each
 * erased id, core/privacy/deletion/fingerprint.ts), `receivedUpTo` and the timestamps.
 */
export interface DeletionRequest {
  id: string;
  state: DeletionState;
  /** Why it failed (state 'failed'); the request is retried by the next run all the same. */
  reason?: string;
  /** How many ids were asked for. */
  requested: number;
  /** The ids asked for; emptied when done. */
  userIds: string[];
  /** Every id erased: those asked for, their persons and every id linked to them; emptied when done. */
  erasedIds: string[];
  /** The ledger: fingerprints of every erased id (filled by the resolve step). */
  fingerprints: string[];
  suppress: boolean;
  /** The cut-off, the request time: events received at or before it are deleted, later ones kept. */
  receivedUpTo: string;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Id of the API key that asked (or 'cli'). */
  keyId: string;
  /** The next step to run. */
  step: DeletionStep;
  /** Archive hour partitions (`yyyy/mm/dd/hh/`) found from the documents, still to rewrite. */
  archiveHours: string[];
  /** Local days whose Parquet files may hold the person, still to rewrite. */
  eventDays: string[];
  removed: DeletionRemoved;
  /** Runs that worked on it (a crash and restart shows as 2). */
  runs: number;
}

/** One ledger entry as the scorer, replay and restore apply it. */
export interface LedgerEntry {
  fingerprints: readonly string[];
  receivedUpTo: string;
}

/**
 * The deletion requests and ledger, kept apart from the data: never part of a backup, never
 * replaced by a restore. Implementations: SQLite (`DATA_DIR/privacy.db`), a Cosmos DB container.
 */
export interface DeletionLedger {
  /** Stores a new request (an id stored already is left as it is). */
  create(request: DeletionRequest): Promise<void>;
  get(id: string): Promise<DeletionRequest | undefined>;
  /** Replaces the stored request (progress, state, counts). */
  save(request: DeletionRequest): Promise<void>;
  /** Requests not done yet (pending, running, failed), oldest first. */
  unfinished(): Promise<DeletionRequest[]>;
  /** Every request's fingerprints and cut-off (done or not; unresolved ones by their asked ids). */
  entries(): Promise<LedgerEntry[]>;
  close(): Promise<void>;
}

/** The ledger as the scorer sees it: fingerprint → latest cut-off, cached like the suppression list. */
export interface ErasedList {
  current(): Promise<ReadonlyMap<string, string>>;
  invalidate(): void;
}

/** Where a person's stored events are: found from their documents, before those are deleted. */
export interface ErasureLocation {
  /** Archive hour partitions (`yyyy/mm/dd/hh/`, UTC hour of receipt) of the documents. */
  archiveHours: string[];
  /** The documents' local days (Parquet files are per day). */
  days: string[];
}

export interface ErasureStep {
  documents: number;
  profiles: number;
  identityLinks: number;
  /** Requests made (Cosmos DB) or transactions (SQLite). */
  requests: number;
  /** True when the caller must call again to finish (bounded work per call). */
  more: boolean;
}

/**
 * A person's data in a ScoreStore. `userIds` is a whole set of ids: each person with every id
 * linked to it (the caller resolves them), so every rollup they count in is covered.
 */
export interface PersonErasure {
  /** Where the ids' documents received up to `receivedUpTo` are. Reads only. */
  locate(userIds: readonly string[], receivedUpTo: string): Promise<ErasureLocation>;
  /**
   * Deletes the ids' documents received up to `receivedUpTo`, their profiles and identity links,
   * and takes their share out of every rollup, so each figure equals what it would be had those
   * documents never been written. Documents received later stay and are counted as if new.
   * Idempotent, and safe to call again after a crash at any point.
   */
  erase(userIds: readonly string[], receivedUpTo: string): Promise<ErasureStep>;
  /** The ids in `fingerprints` that the store holds anything of (restore applies the ledger with it). */
  idsMatching(fingerprints: ReadonlySet<string>): Promise<string[]>;
  /**
   * Makes what was deleted unreadable in the store's files (SQLite: truncates the write-ahead log,
   * whose old frames still hold deleted rows). Cosmos DB has nothing to do.
   */
  scrub?(): Promise<void>;
}
