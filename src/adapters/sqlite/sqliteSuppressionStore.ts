import type { SuppressionRecord, SuppressionStore } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS suppressions (
    user_id TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  );
`;

/** The suppression list in a table of the embedded store's file (DATA_DIR/store.db), a row per id. */
export function createSqliteSuppressionStore(path: string): SuppressionStore {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  const upsert = db.prepare(
    'INSERT INTO suppressions (user_id, doc) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET doc = excluded.doc',
  );
  const all = db.prepare('SELECT doc FROM suppressions ORDER BY user_id');
  const remove = db.prepare('DELETE FROM suppressions WHERE user_id = ?');
  return {
    list: async () => all.all().map((row) => JSON.parse(row.doc as string) as SuppressionRecord),
    add: async (records) => {
      db.exec('BEGIN');
      try {
        for (const r of records) upsert.run(r.userId, JSON.stringify(r));
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    remove: async (userId) => Number(remove.run(userId).changes) > 0,
    close: async () => db.close(),
  };
}
