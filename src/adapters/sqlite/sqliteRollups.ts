import type { DatabaseSync } from 'node:sqlite';

import { type ActiveDays, addDay, countDays } from '../../core/analytics/activeDays.js';
import { FINE_BUCKETS, fineBucket } from '../../core/analytics/scoreBins.js';
import type { ScoredEvent } from '../../core/event.js';
import { dayNumber, fromDayNumber } from '../../core/time/calendarDay.js';

export const ROLLUP_SCHEMA = `
  CREATE TABLE IF NOT EXISTS type_days (
    day TEXT NOT NULL,
    type TEXT NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (day, type)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS day_users (
    day TEXT PRIMARY KEY,
    users INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS score_days (
    model TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    total REAL NOT NULL,
    buckets BLOB NOT NULL,
    PRIMARY KEY (model, day)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    events INTEGER NOT NULL,
    active_days INTEGER NOT NULL,
    base INTEGER NOT NULL,
    days BLOB NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS users_by_first_day ON users (first_day);
  CREATE TABLE IF NOT EXISTS models (model TEXT PRIMARY KEY) WITHOUT ROWID;
`;

interface UserDelta {
  firstAt: string;
  /** The day (in the store's zone) of firstAt: the document's own day, never recomputed here. */
  firstDay: number;
  lastAt: string;
  events: number;
  days: Set<number>;
}

interface UserRow {
  first_at: string;
  first_day: number;
  last_at: string;
  events: number;
  base: number;
  days: Uint8Array;
}

/**
 * Rollups of first writes, gathered in memory over one write call and applied once per key before
 * the call's transaction commits: a batch of 1,000 events touches each day×type, model×day and user
 * row once rather than once per event. A model×day row holds its 100 fine buckets as one blob of
 * little-endian uint32 counts, so a score query reads one row per day however dense the scores.
 */
export function createRollupWriter(db: DatabaseSync) {
  const bumpType = db.prepare(
    'INSERT INTO type_days (day, type, events) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET events = events + excluded.events',
  );
  const selectScoreDay = db.prepare(
    'SELECT count, total, buckets FROM score_days WHERE model = ? AND day = ?',
  );
  const upsertScoreDay = db.prepare(
    `INSERT INTO score_days (model, day, count, total, buckets) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET count = excluded.count, total = excluded.total, buckets = excluded.buckets`,
  );
  const bumpDayUsers = db.prepare(
    'INSERT INTO day_users (day, users) VALUES (?, ?) ON CONFLICT DO UPDATE SET users = users + excluded.users',
  );
  const selectUser = db.prepare(
    'SELECT first_at, first_day, last_at, events, base, days FROM users WHERE user_id = ?',
  );
  const upsertUser = db.prepare(
    `INSERT INTO users (user_id, first_at, last_at, first_day, events, active_days, base, days)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET first_at = excluded.first_at, last_at = excluded.last_at,
       first_day = excluded.first_day, events = excluded.events,
       active_days = excluded.active_days, base = excluded.base, days = excluded.days`,
  );

  const insertModel = db.prepare('INSERT INTO models (model) VALUES (?) ON CONFLICT DO NOTHING');

  const models = new Set<string>();
  const types = new Map<string, number>();
  const scoreDays = new Map<string, { count: number; total: number; buckets: Uint32Array }>();
  const users = new Map<string, UserDelta>();

  const addScore = (model: string, day: string, score: number) => {
    const key = `${model}\n${day}`;
    let entry = scoreDays.get(key);
    if (!entry) {
      entry = { count: 0, total: 0, buckets: new Uint32Array(FINE_BUCKETS) };
      scoreDays.set(key, entry);
    }
    entry.count += 1;
    entry.total += score;
    entry.buckets[fineBucket(score)]! += 1;
  };

  return {
    /** Notes the models of every document handed to a write, stored or not (a model is then known). */
    noteModels(doc: ScoredEvent): void {
      models.add(`${doc.model.name}@${doc.model.version}`);
      if (doc.challenger) models.add(`${doc.challenger.name}@${doc.challenger.version}`);
    },

    /** Counts a document on its first write only. */
    add(doc: ScoredEvent): void {
      const typeKey = `${doc.day}\n${doc.type}`;
      types.set(typeKey, (types.get(typeKey) ?? 0) + 1);
      addScore(`${doc.model.name}@${doc.model.version}`, doc.day, doc.score);
      if (doc.challenger)
        addScore(`${doc.challenger.name}@${doc.challenger.version}`, doc.day, doc.challenger.score);
      const user = users.get(doc.userId);
      if (user) {
        if (doc.occurredAt < user.firstAt) {
          user.firstAt = doc.occurredAt;
          user.firstDay = dayNumber(doc.day);
        }
        if (doc.occurredAt > user.lastAt) user.lastAt = doc.occurredAt;
        user.events += 1;
        user.days.add(dayNumber(doc.day));
      } else {
        users.set(doc.userId, {
          firstAt: doc.occurredAt,
          firstDay: dayNumber(doc.day),
          lastAt: doc.occurredAt,
          events: 1,
          days: new Set([dayNumber(doc.day)]),
        });
      }
    },

    /** Applies what add gathered; call inside the write's transaction. */
    flush(): void {
      const newDays = new Map<number, number>();
      for (const [userId, delta] of users) {
        const row = selectUser.get(userId) as UserRow | undefined;
        let days: ActiveDays | undefined = row && { base: row.base, bits: row.days };
        for (const day of delta.days) {
          const next = addDay(days, day);
          days = next.days;
          if (next.added) newDays.set(day, (newDays.get(day) ?? 0) + 1);
        }
        const keepRow = row !== undefined && row.first_at < delta.firstAt;
        const firstAt = keepRow ? row.first_at : delta.firstAt;
        const firstDay = keepRow ? Number(row.first_day) : delta.firstDay;
        const lastAt = row && row.last_at > delta.lastAt ? row.last_at : delta.lastAt;
        upsertUser.run(
          userId,
          firstAt,
          lastAt,
          firstDay,
          Number(row?.events ?? 0) + delta.events,
          countDays(days!),
          days!.base,
          days!.bits,
        );
      }
      for (const [day, count] of newDays) bumpDayUsers.run(fromDayNumber(day), count);
      for (const [key, count] of types) {
        const [day, type] = key.split('\n');
        bumpType.run(day!, type!, count);
      }
      for (const [key, delta] of scoreDays) {
        const [model, day] = key.split('\n') as [string, string];
        const row = selectScoreDay.get(model, day) as
          { count: number; total: number; buckets: Uint8Array } | undefined;
        if (row) {
          const stored = decodeBuckets(row.buckets);
          for (let i = 0; i < FINE_BUCKETS; i += 1) delta.buckets[i]! += stored[i]!;
        }
        upsertScoreDay.run(
          model,
          day,
          Number(row?.count ?? 0) + delta.count,
          (row?.total ?? 0) + delta.total,
          encodeBuckets(delta.buckets),
        );
      }
      for (const model of models) insertModel.run(model);
      models.clear();
      types.clear();
      scoreDays.clear();
      users.clear();
    },

    /** Forgets what add gathered (the transaction rolled back). */
    discard(): void {
      models.clear();
      types.clear();
      scoreDays.clear();
      users.clear();
    },
  };
}

/** 100 little-endian uint32 counts. */
export function encodeBuckets(counts: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(counts.length * 4);
  const view = new DataView(bytes.buffer);
  counts.forEach((n, i) => view.setUint32(i * 4, n, true));
  return bytes;
}

export function decodeBuckets(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Uint32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
}
