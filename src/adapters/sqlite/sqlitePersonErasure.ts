import type { DatabaseSync } from 'node:sqlite';

import type { ActiveDays } from '../../core/analytics/activeDays.js';
import { FINE_BUCKETS, fineBucket } from '../../core/analytics/scoreBins.js';
import { archiveHour } from '../../core/archive/archiveHour.js';
import type { ScoredEvent } from '../../core/event.js';
import { fingerprint } from '../../core/privacy/deletion/fingerprint.js';
import { receivedBy } from '../../core/privacy/deletion/receivedBy.js';
import { fromDayNumber } from '../../core/time/calendarDay.js';
import { periodKey, TREND_INTERVALS } from '../../core/trends/trendPeriods.js';
import type { ErasureStep, PersonErasure } from '../../ports/index.js';
import type { createSqliteIdentity } from './sqliteIdentity.js';
import { type createRollupWriter, decodeBuckets, encodeBuckets } from './sqliteRollups.js';
import type { createTrendWriter } from './sqliteTrends.js';

/** Documents deleted per transaction, so ingest's writes interleave with a large deletion. */
export const ERASE_BATCH = 2000;

interface Parts {
  rollups: ReturnType<typeof createRollupWriter>;
  trends: ReturnType<typeof createTrendWriter>;
  identity: ReturnType<typeof createSqliteIdentity>;
}

interface Row {
  event_id: string;
  doc: string;
}

/**
 * Deleting a person on the embedded store. Each call is one transaction, so the figures always
 * count exactly the documents stored:
 * - while more than ERASE_BATCH of the ids' documents received up to the cut-off remain, a call
 *   deletes ERASE_BATCH of them and takes each one's share out of the per-document rollups (events
 *   per day × type, the model × day histograms, trend events per period × type);
 * - the last call deletes the rest likewise, then the per-user rows: the users row (first and last
 *   seen, hence the retention cohort), one user off each day it was active on (day_users), the trend
 *   first-seen markers (one user off each period × type), the identity links and profiles; then
 *   counts the documents received after the cut-off afresh, as a write would, links included.
 * The per-user rows hold the days of documents DATA_RETENTION_DAYS already removed, so those leave
 * DAU, retention and unique users too; their events per type and scores, being aggregates kept
 * without the documents, cannot be told apart and stay (README, "Privacy").
 * Cost: the ids' index ranges of `scores`, the rollup rows they touch, the ids' trend markers.
 */
export function createSqlitePersonErasure(db: DatabaseSync, parts: Parts): PersonErasure {
  const selectDocs = db.prepare('SELECT event_id, doc FROM scores WHERE user_id = ?');
  const deleteDoc = db.prepare('DELETE FROM scores WHERE event_id = ?');
  const dropType = db.prepare(
    'UPDATE type_days SET events = events - ? WHERE day = ? AND type = ?',
  );
  const dropEmptyTypes = db.prepare('DELETE FROM type_days WHERE events <= 0');
  const selectScoreDay = db.prepare(
    'SELECT count, total, buckets FROM score_days WHERE model = ? AND day = ?',
  );
  const updateScoreDay = db.prepare(
    'UPDATE score_days SET count = ?, total = ?, buckets = ? WHERE model = ? AND day = ?',
  );
  const deleteScoreDay = db.prepare('DELETE FROM score_days WHERE model = ? AND day = ?');
  const dropTrendEvents = db.prepare(
    'UPDATE trend_counts SET events = events - ? WHERE period = ? AND type = ?',
  );
  const dropTrendUsers = db.prepare(
    `UPDATE trend_counts SET users = users - 1 WHERE (period, type) IN (
       SELECT period, type FROM trend_users WHERE user_key = ?)`,
  );
  const deleteMarkers = db.prepare('DELETE FROM trend_users WHERE user_key = ?');
  const dropEmptyTrends = db.prepare('DELETE FROM trend_counts WHERE events <= 0');
  const selectUser = db.prepare('SELECT base, days FROM users WHERE user_id = ?');
  const deleteUser = db.prepare('DELETE FROM users WHERE user_id = ?');
  const dropDayUser = db.prepare('UPDATE day_users SET users = users - 1 WHERE day = ?');
  const dropEmptyDays = db.prepare('DELETE FROM day_users WHERE users <= 0');
  const deleteLinks = db.prepare('DELETE FROM identity_links WHERE alias_id = ? OR person_id = ?');
  const deleteProfile = db.prepare('DELETE FROM profiles WHERE user_id = ?');

  /** The ids' documents, parsed, split by the cut-off. */
  const documentsOf = (userIds: readonly string[], receivedUpTo: string) => {
    const inTime = receivedBy(receivedUpTo);
    const before: ScoredEvent[] = [];
    const after: ScoredEvent[] = [];
    for (const userId of new Set(userIds))
      for (const row of selectDocs.iterate(userId) as Iterable<Row>) {
        const doc = JSON.parse(row.doc) as ScoredEvent;
        (inTime(doc) ? before : after).push(doc);
      }
    return { before, after };
  };

  /** Deletes the documents and takes each one's share out of the per-document rollups. */
  const subtractDocuments = (docs: readonly ScoredEvent[], remove: boolean) => {
    const types = new Map<string, number>();
    const trendEvents = new Map<string, number>();
    const scores = new Map<string, { count: number; total: number; buckets: Uint32Array }>();
    const addScore = (model: string, day: string, score: number) => {
      const key = `${model}\n${day}`;
      let entry = scores.get(key);
      if (!entry)
        scores.set(key, (entry = { count: 0, total: 0, buckets: new Uint32Array(FINE_BUCKETS) }));
      entry.count += 1;
      entry.total += score;
      entry.buckets[fineBucket(score)]! += 1;
    };
    for (const doc of docs) {
      if (remove) deleteDoc.run(doc.eventId);
      const typeKey = `${doc.day}\n${doc.type}`;
      types.set(typeKey, (types.get(typeKey) ?? 0) + 1);
      for (const interval of TREND_INTERVALS) {
        const key = `${periodKey(interval, doc.day)}\n${doc.type}`;
        trendEvents.set(key, (trendEvents.get(key) ?? 0) + 1);
      }
      addScore(`${doc.model.name}@${doc.model.version}`, doc.day, doc.score);
      if (doc.challenger)
        addScore(`${doc.challenger.name}@${doc.challenger.version}`, doc.day, doc.challenger.score);
    }
    for (const [key, n] of types) {
      const [day, type] = key.split('\n') as [string, string];
      dropType.run(n, day, type);
    }
    for (const [key, n] of trendEvents) {
      const [period, type] = key.split('\n') as [string, string];
      dropTrendEvents.run(n, period, type);
    }
    for (const [key, delta] of scores) {
      const [model, day] = key.split('\n') as [string, string];
      const row = selectScoreDay.get(model, day) as
        { count: number; total: number; buckets: Uint8Array } | undefined;
      if (!row) continue;
      const count = Number(row.count) - delta.count;
      if (count <= 0) {
        deleteScoreDay.run(model, day);
        continue;
      }
      const buckets = decodeBuckets(row.buckets);
      for (let i = 0; i < FINE_BUCKETS; i += 1)
        buckets[i] = Math.max(0, buckets[i]! - delta.buckets[i]!);
      updateScoreDay.run(count, row.total - delta.total, encodeBuckets(buckets), model, day);
    }
    dropEmptyTypes.run();
  };

  /** The users rows, active days, trend markers, links and profiles of the ids. */
  const removePerUserRows = (userIds: readonly string[]) => {
    let profiles = 0;
    let identityLinks = 0;
    for (const userId of new Set(userIds)) {
      const row = selectUser.get(userId) as { base: number; days: Uint8Array } | undefined;
      if (row) {
        for (const day of activeDayNumbers({ base: Number(row.base), bits: row.days }))
          dropDayUser.run(fromDayNumber(day));
        deleteUser.run(userId);
      }
      dropTrendUsers.run(userId);
      deleteMarkers.run(userId);
      identityLinks += Number(deleteLinks.run(userId, userId).changes);
      profiles += Number(deleteProfile.run(userId).changes);
    }
    dropEmptyDays.run();
    dropEmptyTrends.run();
    return { profiles, identityLinks };
  };

  const transaction = <T>(work: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      parts.rollups.discard();
      parts.trends.discard();
      db.exec('ROLLBACK');
      throw error;
    }
  };

  return {
    async locate(userIds, receivedUpTo) {
      const { before } = documentsOf(userIds, receivedUpTo);
      return {
        archiveHours: [...new Set(before.map((doc) => archiveHour(doc.receivedAt)))].sort(),
        days: [...new Set(before.map((doc) => doc.day))].sort(),
      };
    },

    async erase(userIds, receivedUpTo): Promise<ErasureStep> {
      return transaction(() => {
        const { before, after } = documentsOf(userIds, receivedUpTo);
        if (before.length > ERASE_BATCH) {
          subtractDocuments(before.slice(0, ERASE_BATCH), true);
          return { documents: ERASE_BATCH, profiles: 0, identityLinks: 0, requests: 1, more: true };
        }
        subtractDocuments(before, true);
        // The kept documents leave the rollups too, and come back below counted as a write counts
        // them: under their own ids now that the links are gone, or under a link they carry.
        subtractDocuments(after, false);
        const removed = removePerUserRows(userIds);
        const attribute = parts.identity.apply(after);
        for (const doc of after) {
          const counted = attribute(doc);
          parts.rollups.add(counted);
          parts.trends.add(counted);
        }
        parts.rollups.flush();
        parts.trends.flush();
        return { documents: before.length, ...removed, requests: 1, more: false };
      });
    },

    async scrub() {
      // secure_delete (openDatabase) overwrote the deleted rows in the pages; the write-ahead log
      // still holds earlier frames of those pages until it is checkpointed and truncated.
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    },

    async idsMatching(fingerprints) {
      if (fingerprints.size === 0) return [];
      const found = new Set<string>();
      const consider = (id: string) => {
        if (fingerprints.has(fingerprint(id))) found.add(id);
      };
      const queries = [
        'SELECT user_id AS id FROM users',
        'SELECT DISTINCT user_id AS id FROM scores',
        'SELECT alias_id AS id FROM identity_links',
        'SELECT user_id AS id FROM profiles',
      ];
      for (const sql of queries)
        for (const row of db.prepare(sql).iterate() as Iterable<{ id: string }>) consider(row.id);
      return [...found].sort();
    },
  };
}

/** The day numbers set in a user's active-days bitmap. */
function* activeDayNumbers(days: ActiveDays): Generator<number> {
  for (let byte = 0; byte < days.bits.length; byte += 1) {
    const bits = days.bits[byte]!;
    for (let bit = 0; bit < 8; bit += 1) if (bits & (1 << bit)) yield (days.base + byte) * 8 + bit;
  }
}
