import type { ScoredEvent } from '../core/event.js';

/** A day's change mark: `gen` changes each time a document of the day is stored, re-scored or deleted. */
export interface DayMark {
  day: string;
  gen: string;
  /** When the mark last changed (ISO UTC): the lag of the Parquet files is measured from it. */
  changedAt: string;
}

/** The read side of the store the compaction needs. Implementations: embedded SQLite, Cosmos DB. */
export interface DayDocuments {
  /** One mark per day that holds or held stored events (a small list: one row per day). */
  dayMarks(): Promise<DayMark[]>;
  /** Every stored document of one day, each once. */
  documentsOfDay(day: string): AsyncIterable<ScoredEvent>;
}

/** What the compaction has written: the generation of each day's file. */
export interface CompactionState {
  gens: Record<string, string>;
}

/**
 * The Parquet files of the scored events, one per day at `day=YYYY-MM-DD/events.parquet`.
 * Implementations: a folder under DATA_DIR, a Blob container.
 */
export interface EventFiles {
  /** Where the location is, for messages (a folder path or a container URL). */
  readonly location: string;
  /** A local folder for files being written (the writer's output before `replaceDay`). */
  readonly scratchDir: string;
  /** Days that have a file, ascending. */
  days(): Promise<string[]>;
  /** Puts the local file at `path` in place of the day's file in one step (readers see the old or the new); undefined removes it. */
  replaceDay(day: string, path: string | undefined): Promise<void>;
  /**
   * Local paths of the files of the days in [from, to] (all when absent), fetched into the local cache
   * when the location is remote, and the folder DuckDB may read them from. Call `release` when done.
   */
  open(range: { from?: string; to?: string }): Promise<OpenedFiles>;
  readState(): Promise<CompactionState | undefined>;
  writeState(state: CompactionState): Promise<void>;
  close(): Promise<void>;
}

export interface OpenedFiles {
  /** The one folder the files are under. */
  root: string;
  files: { day: string; path: string }[];
  release(): void;
}

/** Writes Parquet files of scored events. Implementation: DuckDB. */
export interface ParquetWriter {
  /** Writes the documents to a new Parquet file at `path`; returns the rows written. */
  write(docs: AsyncIterable<ScoredEvent>, path: string): Promise<number>;
  /** Writes `source`'s rows whose userId is not in `userIds` to `path`; counts the rows kept and left out. */
  rewriteWithout(
    source: string,
    userIds: readonly string[],
    path: string,
  ): Promise<{ kept: number; removed: number }>;
  close(): Promise<void>;
}

export interface SqlRequest {
  query: string;
  /** Inclusive day range; only these days' files are read. */
  from?: string;
  to?: string;
}

export interface SqlColumn {
  name: string;
  type: string;
}

export type SqlAnswer =
  | { ok: true; columns: SqlColumn[]; rows: unknown[][] }
  | {
      ok: false;
      /** 408 past the time bound; 400 a refused or failed query, or past another bound. */
      status: 400 | 408;
      code: string;
      message: string;
    };

/** Runs one read-only SELECT over the `events` view. Implementation: DuckDB over EventFiles. */
export interface SqlEngine {
  run(request: SqlRequest): Promise<SqlAnswer>;
  close(): Promise<void>;
}
