import type { DeadLetter, DeadLetterSink } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';

export interface SqliteDeadLetterSink extends DeadLetterSink {
  count(): number;
  close(): Promise<void>;
}

/** Messages that can never be scored, kept with their reason beside the embedded store. */
export function createSqliteDeadLetterSink(
  path: string,
  now: () => number = Date.now,
): SqliteDeadLetterSink {
  const db = openDatabase(path);
  db.exec(`CREATE TABLE IF NOT EXISTS dead_letters (
    key TEXT NOT NULL,
    reason TEXT NOT NULL,
    body TEXT NOT NULL,
    at INTEGER NOT NULL
  )`);
  const insert = db.prepare('INSERT INTO dead_letters (key, reason, body, at) VALUES (?, ?, ?, ?)');
  const count = db.prepare('SELECT COUNT(*) AS n FROM dead_letters');
  return {
    async put(items: readonly DeadLetter[]) {
      const at = now();
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const d of items) insert.run(d.key, d.reason, JSON.stringify(d.body) ?? 'null', at);
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    count: () => Number((count.get() as { n: number }).n),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
