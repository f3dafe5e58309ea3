import type { SQLInputValue } from 'node:sqlite';

import type { BackupTable, RestoreTarget } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';
import { quoteIdentifier, tableNames } from './sqliteTables.js';

const ROWS_PER_TRANSACTION = 5000;

/** Loads a backup into the embedded store at `storePath`, creating the file and tables as needed. */
export function openSqliteRestoreTarget(storePath: string): RestoreTarget {
  const db = openDatabase(storePath);
  const hasRows = (name: string) =>
    db.prepare(`SELECT 1 FROM ${quoteIdentifier(name)} LIMIT 1`).get() !== undefined;

  return {
    backend: 'sqlite',
    async nonEmpty(_tables) {
      // Every existing table counts, not only those in the backup: the store must be empty.
      return tableNames(db).filter(hasRows);
    },
    async load(table, rows) {
      if (table.definition.kind !== 'sqlite') {
        throw new Error(`table ${table.name} was not backed up from SQLite`);
      }
      // A table the store made on start (the host ran once) is kept with its own indexes.
      if (!tableNames(db).includes(table.name)) {
        db.exec(table.definition.sql);
        for (const sql of table.definition.indexes) db.exec(sql);
      }
      const columns = table.schema.fields.map((f) => f.name);
      const insert = db.prepare(
        `INSERT INTO ${quoteIdentifier(table.name)} (${columns.map(quoteIdentifier).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      let loaded = 0;
      let open = false;
      try {
        for await (const row of rows) {
          if (!open) {
            db.exec('BEGIN IMMEDIATE');
            open = true;
          }
          insert.run(...columns.map((c) => row[c] as SQLInputValue));
          loaded += 1;
          if (loaded % ROWS_PER_TRANSACTION === 0) {
            db.exec('COMMIT');
            open = false;
          }
        }
        if (open) db.exec('COMMIT');
      } catch (error) {
        if (open) db.exec('ROLLBACK');
        throw error;
      }
      return loaded;
    },
    async count(table: BackupTable) {
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdentifier(table.name)}`).get() as {
        n: number;
      };
      return Number(row.n);
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
