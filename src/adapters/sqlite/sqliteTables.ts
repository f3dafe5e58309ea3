import type { DatabaseSync } from 'node:sqlite';

import { type SqliteColumn, sqliteTableSchema } from '../../core/backup/sqliteTableSchema.js';
import type { BackupTable } from '../../ports/index.js';

export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The user tables of a database, from sqlite_master, so tables other branches add come along. */
export function tableNames(db: DatabaseSync): string[] {
  const rows = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string }[];
  return rows.map((row) => row.name);
}

/** Each user table with its Avro schema and the CREATE statements (table, then its indexes). */
export function describeTables(db: DatabaseSync): BackupTable[] {
  const tableSql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?");
  // Automatic indexes (primary keys, UNIQUE) have no sql: the CREATE TABLE recreates them.
  const indexSql = db.prepare(
    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
  );
  return tableNames(db).map((name) => {
    const columns = db
      .prepare(`PRAGMA table_info(${quoteIdentifier(name)})`)
      .all() as unknown as SqliteColumn[];
    const outcome = sqliteTableSchema(name, columns);
    if (!outcome.ok) throw new Error(`cannot back up: ${outcome.reason}`);
    return {
      name,
      schema: outcome.schema,
      definition: {
        kind: 'sqlite',
        sql: (tableSql.get(name) as { sql: string }).sql,
        indexes: (indexSql.all(name) as { sql: string }[]).map((row) => row.sql),
      },
    };
  });
}
