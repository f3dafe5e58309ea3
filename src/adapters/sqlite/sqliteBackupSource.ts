import { existsSync, rmSync } from 'node:fs';
import { backup, DatabaseSync } from 'node:sqlite';

import type { BackupRow, BackupSource, BackupTable } from '../../ports/index.js';
import { describeTables, quoteIdentifier } from './sqliteTables.js';

/**
 * Takes a consistent copy of the embedded store while the host keeps writing, then reads the
 * tables from that copy. SQLite's online backup API copies every page in one step (rate -1), so
 * the copy is made inside one read transaction: in WAL mode writers go on meanwhile, and the copy
 * holds exactly the commits made before that transaction began. The copy at `snapshotPath` is a
 * single-file database (journal_mode DELETE) that can itself be kept as the online copy.
 */
export async function openSqliteBackupSource(
  storePath: string,
  snapshotPath: string,
  now: () => number = Date.now,
): Promise<BackupSource> {
  if (!existsSync(storePath)) throw new Error(`no embedded store at ${storePath}`);
  rmSync(snapshotPath, { force: true });
  const live = new DatabaseSync(storePath);
  const from = now();
  try {
    live.exec('PRAGMA busy_timeout = 5000');
    await backup(live, snapshotPath, { rate: -1 });
  } finally {
    live.close();
  }
  const to = now();
  const db = new DatabaseSync(snapshotPath);
  db.exec('PRAGMA journal_mode = DELETE');
  const tables = describeTables(db);
  return {
    source: { backend: 'sqlite', location: storePath },
    pointInTime: {
      at: new Date(from).toISOString(),
      window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      definition:
        'The embedded store as of the last commit before SQLite’s online backup began its read transaction, a moment inside the window; the whole database was copied in that one transaction.',
    },
    tables,
    rows: (table: BackupTable) => readRows(db, table),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}

async function* readRows(db: DatabaseSync, table: BackupTable): AsyncGenerator<BackupRow> {
  const statement = db.prepare(`SELECT * FROM ${quoteIdentifier(table.name)}`);
  for (const row of statement.iterate()) {
    // avsc writes Avro bytes from Buffers, node:sqlite reads BLOBs as Uint8Array.
    for (const [key, value] of Object.entries(row)) {
      if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value);
    }
    yield row;
  }
}
