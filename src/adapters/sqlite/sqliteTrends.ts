import type { DatabaseSync } from 'node:sqlite';

import type { ScoredEvent } from '../../core/event.js';
import { periodKey, TREND_INTERVALS } from '../../core/trends/trendPeriods.js';
import { trendUserOf } from '../../core/trends/trendUserOf.js';
import type { TrendCount, TrendQuery } from '../../ports/index.js';

/*
 * Trends rollups, written with the event: per period (`d:`, `w:` or `m:` and the period's first
 * local day) and type, the stored events and the distinct users, kept exact by one first-seen
 * marker per period × type × user (INSERT … DO NOTHING: a user counts once, however often seen).
 */
export const TREND_SCHEMA = `
  CREATE TABLE IF NOT EXISTS trend_counts (
    period TEXT NOT NULL,
    type TEXT NOT NULL,
    events INTEGER NOT NULL,
    users INTEGER NOT NULL,
    PRIMARY KEY (period, type)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS trend_users (
    period TEXT NOT NULL,
    type TEXT NOT NULL,
    user_key TEXT NOT NULL,
    PRIMARY KEY (period, type, user_key)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS trend_users_by_user ON trend_users (user_key);
`;
export const TREND_TABLES = ['trend_counts', 'trend_users'];

export const TREND_COUNTS_SQL = `
  SELECT period, type, events, users FROM trend_counts
  WHERE period >= :from AND period <= :to
`;

/** Gathers a write call's trend deltas in memory and applies each key once, inside its transaction. */
export function createTrendWriter(db: DatabaseSync) {
  const insertMarker = db.prepare(
    'INSERT INTO trend_users (period, type, user_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const bumpCounts = db.prepare(
    `INSERT INTO trend_counts (period, type, events, users) VALUES (?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET events = events + excluded.events, users = users + excluded.users`,
  );
  const events = new Map<string, number>();
  /** Per type × user × day: the keys of its day, week and month (the day's first). */
  const markers = new Map<string, string[]>();

  return {
    /** Counts a document on its first write only. */
    add(doc: ScoredEvent): void {
      const user = trendUserOf(doc);
      const keys = TREND_INTERVALS.map(
        (interval) => `${periodKey(interval, doc.day)}\n${doc.type}`,
      );
      for (const key of keys) events.set(key, (events.get(key) ?? 0) + 1);
      const dayMarker = `${keys[0]}\n${user}`;
      if (!markers.has(dayMarker))
        markers.set(
          dayMarker,
          keys.map((key) => `${key}\n${user}`),
        );
    },

    flush(): void {
      const users = new Map<string, number>();
      const mark = (marker: string): boolean => {
        const [period, type, user] = marker.split('\n') as [string, string, string];
        if (insertMarker.run(period, type, user).changes === 0) return false;
        const key = `${period}\n${type}`;
        users.set(key, (users.get(key) ?? 0) + 1);
        return true;
      };
      // A day marker already there means the week's and month's were written with it (same
      // transaction): a user's repeat of a type on a day costs one lookup, not three.
      for (const [dayMarker, all] of [...markers].sort(([a], [b]) => (a < b ? -1 : 1)))
        if (mark(dayMarker)) for (const marker of all.slice(1)) mark(marker);
      for (const [key, n] of events) {
        const [period, type] = key.split('\n') as [string, string];
        bumpCounts.run(period, type, n, users.get(key) ?? 0);
      }
      this.discard();
    },

    discard(): void {
      events.clear();
      markers.clear();
    },
  };
}

/** One index range over the periods asked for: periods × types rows, whatever the events. */
export function createTrendReader(db: DatabaseSync) {
  const select = db.prepare(TREND_COUNTS_SQL);
  return (query: TrendQuery): TrendCount[] => {
    const first = query.periods[0];
    const last = query.periods.at(-1);
    if (first === undefined || last === undefined) return [];
    const prefix = query.interval[0]!;
    const types = new Set(query.types);
    const rows = select.all({ from: `${prefix}:${first}`, to: `${prefix}:${last}` }) as {
      period: string;
      type: string;
      events: number;
      users: number;
    }[];
    return rows
      .filter((row) => types.has(row.type))
      .map((row) => ({
        type: row.type,
        period: row.period.slice(2),
        events: Number(row.events),
        users: Number(row.users),
      }));
  };
}

/**
 * On an identity link (sqliteIdentity.ts), in its transaction: the alias's first-seen markers become
 * the person's, and a period × type where both had one counts one user less. Cost: the alias's
 * markers, found through trend_users_by_user.
 */
export function createTrendUserMover(db: DatabaseSync) {
  const dropShared = db.prepare(
    `UPDATE trend_counts SET users = users - 1 WHERE (period, type) IN (
       SELECT a.period, a.type FROM trend_users a
       JOIN trend_users p ON p.period = a.period AND p.type = a.type AND p.user_key = :person
       WHERE a.user_key = :alias)`,
  );
  const deleteShared = db.prepare(
    `DELETE FROM trend_users WHERE user_key = :alias AND EXISTS (
       SELECT 1 FROM trend_users p
       WHERE p.period = trend_users.period AND p.type = trend_users.type AND p.user_key = :person)`,
  );
  const rename = db.prepare('UPDATE trend_users SET user_key = :person WHERE user_key = :alias');
  return (aliasId: string, personId: string): void => {
    const params = { alias: aliasId, person: personId };
    dropShared.run(params);
    deleteShared.run(params);
    rename.run(params);
  };
}
