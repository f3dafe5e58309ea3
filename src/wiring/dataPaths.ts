import { join, resolve } from 'node:path';

import type { Config } from '../config.js';

/** Where the embedded backends keep their files: the one place a file name under DATA_DIR is joined. */
export interface DataPaths {
  /** DATA_DIR, resolved against the app root. */
  dir: string;
  /** The embedded store: scores, rollups, keys, dead letters (SQLite). */
  store: string;
  /** The audit log (SQLite), apart from the store: a restore never replaces it. */
  audit: string;
  /** Deletion requests and the deletion ledger (SQLite), apart from the store: never in a backup, never replaced by a restore. */
  privacy: string;
  /** The embedded queue (SQLite). */
  queue: string;
  /** The raw archive when ARCHIVE_BACKEND=folder. */
  archive: string;
  /** Positions of `replay --from … --to …` runs, for resuming. */
  replay: string;
  /** The Parquet files SQL reads when EVENT_FILES_BACKEND=folder (`day=YYYY-MM-DD/`). */
  events: string;
}

export function dataPaths(config: Pick<Config, 'DATA_DIR'>, baseDir: string): DataPaths {
  const dir = resolve(baseDir, config.DATA_DIR);
  return {
    dir,
    store: join(dir, 'store.db'),
    audit: join(dir, 'audit.db'),
    privacy: join(dir, 'privacy.db'),
    queue: join(dir, 'queue.db'),
    archive: join(dir, 'archive'),
    replay: join(dir, 'replay'),
    events: join(dir, 'events'),
  };
}
