import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * Opens (creating if needed) an SQLite file in WAL mode. synchronous=NORMAL: a commit survives a
 * process crash or restart; only an OS crash can lose the last commits. secure_delete on (below).
 * ':memory:' works for tests.
 */
export function openDatabase(
  path: string,
  options: {
    autoCheckpoint?: boolean;
    /**
     * On unless false: deleted content is overwritten with zeros (freed cells, freed pages), so a
     * deleted person does not stay readable in free space. A setting of each connection, so on for
     * all: any connection to store.db may free a page that held personal data. The WAL still holds
     * the old pages until scrubDatabase() (scrubDatabase.ts). Cost: none measurable on store writes;
     * the queue's send+complete cycle about 30% slower (it zeroes every completed message).
     */
    secureDelete?: boolean;
  } = {},
): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    PRAGMA foreign_keys = ON;
  `);
  // Without automatic checkpoints a commit only appends to the WAL; another connection (the
  // scorer thread's) then copies the WAL back into the database file with checkpoint().
  if (options.autoCheckpoint === false) db.exec('PRAGMA wal_autocheckpoint = 0;');
  if (options.secureDelete !== false) db.exec('PRAGMA secure_delete = ON;');
  return db;
}
