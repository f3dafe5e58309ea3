import type { SQLInputValue } from 'node:sqlite';

import { daysBetween } from '../../core/day.js';
import type { ScoredEvent } from '../../core/event.js';
import type { ScorePage, ScoreStore, UserScoresQuery } from '../../ports.js';
import { createSqliteAddScores } from './addSqliteScores.js';
import { openDatabase } from './openDatabase.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS scores (
    event_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS scores_by_user
    ON scores (user_id, occurred_at DESC, event_id DESC);
  CREATE TABLE IF NOT EXISTS activity (
    day TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (day, user_id)
  ) WITHOUT ROWID;
`;

/*
 * Absent bounds become sentinels rather than `:x IS NULL OR ...` so that one prepared statement
 * serves every query shape and still bounds the index range on occurred_at. ISO timestamps start
 * with a digit, so '' sorts before and '~' after every one of them.
 */
const LOWEST = '';
const HIGHEST = '~';
const USER_SCORES_SQL = `
  SELECT doc FROM scores
  WHERE user_id = :userId
    AND occurred_at >= :from
    AND occurred_at < :to
    AND (occurred_at, event_id) < (:afterAt, :afterId)
  ORDER BY occurred_at DESC, event_id DESC
  LIMIT :limit
`;

const DAILY_ACTIVE_USERS_SQL = `
  SELECT day, COUNT(*) AS users FROM activity
  WHERE day >= :from AND day <= :to
  GROUP BY day
`;

/** The read queries, exported so a test can check their plans stay index-driven. */
export const sqliteStoreQueries = {
  userScores: USER_SCORES_SQL,
  dailyActiveUsers: DAILY_ACTIVE_USERS_SQL,
};

/** The embedded store: one SQLite file holding scored events and daily activity. */
export function createSqliteStore(path: string): ScoreStore {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  const insertScore = db.prepare(
    'INSERT INTO scores (event_id, user_id, occurred_at, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const insertActivity = db.prepare(
    'INSERT INTO activity (day, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const selectUserScores = db.prepare(USER_SCORES_SQL);
  const selectDailyActiveUsers = db.prepare(DAILY_ACTIVE_USERS_SQL);
  const ping = db.prepare('SELECT 1');

  return {
    async write(docs) {
      if (docs.length === 0) return { written: 0, alreadyStored: 0, requests: 0, throttled: 0 };
      let written = 0;
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const doc of docs) {
          const { changes } = insertScore.run(
            doc.eventId,
            doc.userId,
            doc.occurredAt,
            JSON.stringify(doc),
          );
          written += Number(changes);
          insertActivity.run(doc.day, doc.userId);
        }
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
      return { written, alreadyStored: docs.length - written, requests: 1, throttled: 0 };
    },

    async userScores(query: UserScoresQuery): Promise<ScorePage> {
      const params: Record<string, SQLInputValue> = {
        userId: query.userId,
        from: query.from ?? LOWEST,
        to: query.to ?? HIGHEST,
        afterAt: query.after?.occurredAt ?? HIGHEST,
        afterId: query.after?.eventId ?? LOWEST,
        limit: query.limit + 1,
      };
      const rows = selectUserScores.all(params) as { doc: string }[];
      const items = rows.slice(0, query.limit).map((row) => JSON.parse(row.doc) as ScoredEvent);
      const last = items.at(-1);
      if (rows.length <= query.limit || last === undefined) return { items };
      return { items, next: { occurredAt: last.occurredAt, eventId: last.eventId } };
    },

    async dailyActiveUsers(from, to) {
      const rows = selectDailyActiveUsers.all({ from, to }) as { day: string; users: number }[];
      const counts = new Map(rows.map((row) => [row.day, Number(row.users)]));
      return daysBetween(from, to).map((day) => ({ day, activeUsers: counts.get(day) ?? 0 }));
    },

    addScores: createSqliteAddScores(db),

    async check() {
      ping.get();
    },

    async close() {
      if (db.isOpen) db.close();
    },
  };
}
