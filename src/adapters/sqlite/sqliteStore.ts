import type { SQLInputValue } from 'node:sqlite';

import { hasAnyDay } from '../../core/analytics/activeDays.js';
import { countRetention, retentionSpan } from '../../core/analytics/retentionIntervals.js';
import { emptyHistogram } from '../../core/analytics/scoreBins.js';
import type { ScoredEvent } from '../../core/event.js';
import { mergeScorePages } from '../../core/identity/mergeScorePages.js';
import { daysBetween } from '../../core/time/calendarDay.js';
import type { Logger, ScorePage, ScoreStore, UserScoresQuery } from '../../ports/index.js';
import { createSqliteAddScores } from './addSqliteScores.js';
import { createSqliteDayExpiry } from './expireSqliteDays.js';
import { openDatabase } from './openDatabase.js';
import { createSqliteDayDocuments } from './sqliteDayDocuments.js';
import { createSqliteIdentity, IDENTITY_SCHEMA } from './sqliteIdentity.js';
import { createSqlitePersonErasure } from './sqlitePersonErasure.js';
import { createRollupWriter, decodeBuckets, ROLLUP_SCHEMA } from './sqliteRollups.js';
import { claimStoreZone, createRebuildGuard, META_SCHEMA } from './sqliteStoreZone.js';
import {
  createTrendReader,
  createTrendWriter,
  TREND_COUNTS_SQL,
  TREND_SCHEMA,
  TREND_TABLES,
} from './sqliteTrends.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS scores (
    event_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS scores_by_user
    ON scores (user_id, occurred_at DESC, event_id DESC);
  ${ROLLUP_SCHEMA}
  ${IDENTITY_SCHEMA}
  ${TREND_SCHEMA}
  ${META_SCHEMA}
`;

/** PRAGMA user_version once the rollups are built; older files are rolled up from scores on open. */
const ROLLUPS_VERSION = 1;
/** user_version once the trends rollups are built too. */
const TRENDS_VERSION = 2;
const ROLLUP_TABLES = ['type_days', 'day_users', 'score_days', 'users', 'models'];

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
  SELECT day, users FROM day_users WHERE day >= :from AND day <= :to
`;

const EVENTS_BY_TYPE_SQL = `
  SELECT type, SUM(events) AS events FROM type_days
  WHERE day >= :from AND day <= :to
  GROUP BY type
`;

const SCORE_HISTOGRAM_SQL = `
  SELECT count, total, buckets FROM score_days
  WHERE model = :model AND day >= :from AND day <= :to
`;

const MODEL_KNOWN_SQL = 'SELECT 1 AS known FROM models WHERE model = :model';

const COHORT_MEMBERS_SQL = `
  SELECT first_day, base, days FROM users WHERE first_day >= :from AND first_day < :to
`;

const USER_SUMMARY_SQL = `
  SELECT first_at, last_at, events, active_days FROM users WHERE user_id = :userId
`;

/** The read queries, exported so a test can check their plans stay index-driven. */
export const sqliteStoreQueries = {
  userScores: USER_SCORES_SQL,
  dailyActiveUsers: DAILY_ACTIVE_USERS_SQL,
  eventsByType: EVENTS_BY_TYPE_SQL,
  scoreHistogram: SCORE_HISTOGRAM_SQL,
  modelKnown: MODEL_KNOWN_SQL,
  cohortMembers: COHORT_MEMBERS_SQL,
  userSummary: USER_SUMMARY_SQL,
  trendCounts: TREND_COUNTS_SQL,
};

export interface SqliteStoreOptions {
  /** Where refused identity links are logged (sqliteIdentity.ts). */
  logger?: Logger;
  /**
   * The zone of the documents' days (TIMEZONE): recorded in an empty store, checked against a
   * store with documents (StoreZoneError when they differ). Tools that write no day leave it out.
   */
  timeZone?: string;
}

/**
 * The embedded store: one SQLite file holding scored events and their rollups. A write inserts each
 * document and, for those stored for the first time, updates the rollups in the same transaction,
 * so a redelivery changes no figure and a crash leaves documents and rollups in step.
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): ScoreStore {
  const db = openDatabase(path);
  // A batch of 1,000 events dirties more than the default 1,000-page WAL limit (random event ids,
  // per-user index), so every commit used to run a checkpoint and its fsync: that was about half of
  // the write time. Checkpoints every ~40 MB of WAL instead; 32 MB of page cache (default 2 MB)
  // keeps the randomly written index pages in memory.
  db.exec('PRAGMA wal_autocheckpoint = 10000; PRAGMA cache_size = -32768;');
  db.exec(SCHEMA);
  if (options.timeZone !== undefined) {
    try {
      claimStoreZone(db, options.timeZone);
    } catch (error) {
      db.close();
      throw error;
    }
  }
  const rollups = createRollupWriter(db);
  const identity = createSqliteIdentity(db, options.logger);
  const trendRollups = createTrendWriter(db);
  migrate(db, rollups);
  migrateTrends(db, trendRollups);
  const readTrends = createTrendReader(db);
  const guardRebuild = createRebuildGuard(db, options.timeZone);
  const dayDocuments = createSqliteDayDocuments(db);
  const insertScore = db.prepare(
    'INSERT INTO scores (event_id, user_id, occurred_at, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const selectUserScores = db.prepare(USER_SCORES_SQL);
  const selectDailyActiveUsers = db.prepare(DAILY_ACTIVE_USERS_SQL);
  const selectEventsByType = db.prepare(EVENTS_BY_TYPE_SQL);
  const selectScoreHistogram = db.prepare(SCORE_HISTOGRAM_SQL);
  const selectModelKnown = db.prepare(MODEL_KNOWN_SQL);
  const selectCohortMembers = db.prepare(COHORT_MEMBERS_SQL);
  const selectUserSummary = db.prepare(USER_SUMMARY_SQL);
  const ping = db.prepare('SELECT 1');

  const idScores = (query: UserScoresQuery): ScorePage => {
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
  };

  // A person's list: the events of each of their ids, merged (one index range per id).
  const userScores = async (query: UserScoresQuery): Promise<ScorePage> => {
    const { personId, linkedIds } = await identity.store.person(query.userId);
    if (linkedIds.length === 0) return idScores({ ...query, userId: personId });
    const pages = [personId, ...linkedIds].map(
      (userId) => idScores({ ...query, userId, limit: query.limit + 1 }).items,
    );
    return mergeScorePages(pages, query.limit);
  };

  const expire = createSqliteDayExpiry(db);
  return {
    async expireDaysBefore(beforeDay, limit) {
      return expire(beforeDay, limit);
    },
    async write(docs) {
      if (docs.length === 0) return { written: 0, alreadyStored: 0, requests: 0, throttled: 0 };
      let written = 0;
      const firsts: ScoredEvent[] = [];
      db.exec('BEGIN IMMEDIATE');
      try {
        guardRebuild();
        for (const doc of docs) {
          rollups.noteModels(doc);
          const { changes } = insertScore.run(
            doc.eventId,
            doc.userId,
            doc.occurredAt,
            JSON.stringify(doc),
          );
          if (changes === 0) continue;
          written += 1;
          firsts.push(doc);
        }
        // Links first: every document is then counted under its person, whatever the order.
        const attribute = identity.apply(firsts);
        for (const doc of firsts) {
          const counted = attribute(doc);
          rollups.add(counted);
          trendRollups.add(counted);
        }
        rollups.flush();
        trendRollups.flush();
        db.exec('COMMIT');
      } catch (error) {
        rollups.discard();
        trendRollups.discard();
        db.exec('ROLLBACK');
        throw error;
      }
      return { written, alreadyStored: docs.length - written, requests: 1, throttled: 0 };
    },

    userScores,

    async dailyActiveUsers(from, to) {
      const rows = selectDailyActiveUsers.all({ from, to }) as { day: string; users: number }[];
      const counts = new Map(rows.map((row) => [row.day, Number(row.users)]));
      return daysBetween(from, to).map((day) => ({ day, activeUsers: counts.get(day) ?? 0 }));
    },

    addScores: createSqliteAddScores(db),

    dayMarks: () => dayDocuments.dayMarks(),
    documentsOfDay: (day) => dayDocuments.documentsOfDay(day),

    async eventsByType(from, to) {
      const rows = selectEventsByType.all({ from, to }) as { type: string; events: number }[];
      return rows.map((row) => ({ type: row.type, events: Number(row.events) }));
    },

    async scoreHistogram(model, from, to) {
      const key = `${model.name}@${model.version}`;
      if (selectModelKnown.get({ model: key }) === undefined) return undefined;
      const rows = selectScoreHistogram.all({ model: key, from, to }) as {
        count: number;
        total: number;
        buckets: Uint8Array;
      }[];
      const histogram = emptyHistogram();
      for (const row of rows) {
        histogram.count += Number(row.count);
        histogram.sum += row.total;
        decodeBuckets(row.buckets).forEach((n, i) => (histogram.buckets[i]! += n));
      }
      return histogram;
    },

    async retention(query) {
      const span = retentionSpan(query);
      const cohortEnd = span.from + query.cohorts * query.intervalDays;
      const rows = selectCohortMembers.all({ from: span.from, to: cohortEnd }) as {
        first_day: number;
        base: number;
        days: Uint8Array;
      }[];
      return countRetention(
        query,
        rows.map((row) => {
          const days = { base: Number(row.base), bits: row.days };
          return {
            firstDay: Number(row.first_day),
            activeIn: (from: number, to: number) => hasAnyDay(days, from, to),
          };
        }),
      );
    },

    async userSummary(id) {
      const { personId: userId, linkedIds } = await identity.store.person(id);
      const row = selectUserSummary.get({ userId }) as
        { first_at: string; last_at: string; events: number; active_days: number } | undefined;
      const latest = row && (await userScores({ userId, limit: 1 })).items[0];
      if (!row || !latest) return undefined;
      const profile = await identity.store.profile(userId);
      return {
        userId,
        linkedIds,
        firstSeen: row.first_at,
        lastSeen: row.last_at,
        events: Number(row.events),
        activeDays: Number(row.active_days),
        latest,
        ...(profile && { profile }),
      };
    },

    identity: identity.store,
    erasure: createSqlitePersonErasure(db, { rollups, trends: trendRollups, identity }),
    async trends(query) {
      return readTrends(query);
    },

    async check() {
      ping.get();
    },

    async close() {
      if (db.isOpen) db.close();
    },
  };
}

/**
 * A file written before the rollups existed holds scores and a (day, user) activity table: its
 * rollups are built once from the scores, in one transaction, and the activity table dropped. The
 * rollups are emptied first. A restored backup brings its rollup tables but not user_version: its
 * rollups are kept as they are (rebuilding would sum the scores in another order and change a mean
 * in the last digit), and only marked current.
 */
function migrate(
  db: ReturnType<typeof openDatabase>,
  rollups: ReturnType<typeof createRollupWriter>,
): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as {
    user_version: number;
  };
  if (version >= ROLLUPS_VERSION) return;
  if (db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined) {
    db.exec(`PRAGMA user_version = ${ROLLUPS_VERSION}`);
    return;
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(ROLLUP_TABLES.map((table) => `DELETE FROM ${table};`).join(' '));
    let pending = 0;
    for (const row of db.prepare('SELECT doc FROM scores').iterate() as Iterable<{ doc: string }>) {
      const doc = JSON.parse(row.doc) as ScoredEvent;
      rollups.noteModels(doc);
      rollups.add(doc);
      pending += 1;
      if (pending === 5000) {
        rollups.flush();
        pending = 0;
      }
    }
    rollups.flush();
    db.exec(`DROP TABLE IF EXISTS activity; PRAGMA user_version = ${ROLLUPS_VERSION};`);
    db.exec('COMMIT');
  } catch (error) {
    rollups.discard();
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * A file from before the trends rollups: they are built once from its scores, in one transaction.
 * A restored backup that brought its trend tables keeps them.
 */
function migrateTrends(
  db: ReturnType<typeof openDatabase>,
  trends: ReturnType<typeof createTrendWriter>,
): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as {
    user_version: number;
  };
  if (version >= TRENDS_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    if (db.prepare('SELECT 1 FROM trend_counts LIMIT 1').get() === undefined) {
      db.exec(TREND_TABLES.map((table) => `DELETE FROM ${table};`).join(' '));
      let pending = 0;
      for (const row of db.prepare('SELECT doc FROM scores').iterate() as Iterable<{
        doc: string;
      }>) {
        trends.add(JSON.parse(row.doc) as ScoredEvent);
        pending += 1;
        if (pending === 5000) {
          trends.flush();
          pending = 0;
        }
      }
      trends.flush();
    }
    db.exec(`PRAGMA user_version = ${TRENDS_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    trends.discard();
    db.exec('ROLLBACK');
    throw error;
  }
}
