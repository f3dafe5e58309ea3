import type { DatabaseSync } from 'node:sqlite';

/** What a scrub did: `complete` is false when a reader kept the WAL from being emptied (try again). */
export interface ScrubResult {
  complete: boolean;
  /** WAL frames there were, and those copied into the database file. */
  walFrames: number;
  checkpointed: number;
}

/**
 * After deleting a person with secure_delete on (openDatabase): copies every WAL page into the
 * database file and truncates the WAL to zero bytes, so the old versions of the pages (which still
 * held the deleted rows) are in no file. Waits for readers up to the busy timeout and blocks writers
 * meanwhile; cost: one write of each page changed since the last checkpoint, plus an fsync.
 */
export function scrubDatabase(db: DatabaseSync): ScrubResult {
  const row = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as {
    busy: number;
    log: number;
    checkpointed: number;
  };
  return { complete: row.busy === 0, walFrames: row.log, checkpointed: row.checkpointed };
}
