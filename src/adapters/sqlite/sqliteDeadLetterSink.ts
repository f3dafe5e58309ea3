import { holdsAnyId } from '../../core/privacy/deletion/holdsAnyId.js';
import type { DeadLetter, DeadLetterSink } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';
import { scrubDatabase, type ScrubResult } from './scrubDatabase.js';

export interface SqliteDeadLetterSink extends DeadLetterSink {
  byUser(userIds: readonly string[]): Promise<DeadLetter[]>;
  removeUsers(userIds: readonly string[]): Promise<number>;
  /** After removeUsers: empties the WAL of store.db, so no old page holds the removed letters. */
  scrub(): ScrubResult;
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
  // The export and deletion look for an id anywhere in a body, which no index serves: a file from
  // before keeps an index on body.userId that nothing reads, and it goes.
  db.exec('DROP INDEX IF EXISTS dead_letters_user');
  const insert = db.prepare('INSERT INTO dead_letters (key, reason, body, at) VALUES (?, ?, ?, ?)');
  const count = db.prepare('SELECT COUNT(*) AS n FROM dead_letters');
  const byTime = db.prepare('SELECT key, reason, body FROM dead_letters ORDER BY at, rowid');
  const all = db.prepare('SELECT rowid AS id, body FROM dead_letters');
  const remove = db.prepare('DELETE FROM dead_letters WHERE rowid = ?');
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
    // Like removeUsers, an id anywhere in the body (set-aside messages carry it in `message`): one
    // pass over the table, which holds only messages that could never be scored.
    async byUser(userIds) {
      const ids = new Set(userIds);
      if (ids.size === 0) return [];
      const found: DeadLetter[] = [];
      for (const row of byTime.iterate() as Iterable<{
        key: string;
        reason: string;
        body: string;
      }>) {
        const body = JSON.parse(row.body) as unknown;
        if (holdsAnyId(body, ids)) found.push({ key: row.key, reason: row.reason, body });
      }
      return found;
    },
    /**
     * A person's id may be anywhere in a set-aside message (`message.anonymousId`,
     * `message.properties.distinct_id`…), so every body is read and searched (holdsAnyId: exact
     * values only). One pass over the table, in one transaction: dead letters are few.
     */
    async removeUsers(userIds) {
      if (userIds.length === 0) return 0;
      const ids = new Set(userIds);
      db.exec('BEGIN IMMEDIATE');
      try {
        const found: number[] = [];
        for (const row of all.iterate() as Iterable<{ id: number; body: string }>) {
          if (holdsAnyId(JSON.parse(row.body) as unknown, ids)) found.push(row.id);
        }
        for (const id of found) remove.run(id);
        db.exec('COMMIT');
        return found.length;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    scrub: () => scrubDatabase(db),
    count: () => Number((count.get() as { n: number }).n),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
