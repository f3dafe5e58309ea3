import type { DatabaseSync } from 'node:sqlite';

const DAY = "json_extract(doc, '$.day')";

/**
 * Deletes up to `limit` stored documents whose day is before `beforeDay` (YYYY-MM-DD, the store's
 * zone), in one short transaction, through the scores_by_day index (no scan of the table). The
 * day_marks trigger records each day touched, so the next compaction rewrites (or removes) its
 * Parquet file. Rollups and per-user rows are left as they are (README, "Retention").
 */
export function createSqliteDayExpiry(db: DatabaseSync) {
  const remove = db.prepare(
    `DELETE FROM scores WHERE event_id IN (
       SELECT event_id FROM scores WHERE ${DAY} < ? ORDER BY ${DAY}, event_id LIMIT ?)`,
  );
  return function expireDaysBefore(
    beforeDay: string,
    limit: number,
  ): { removed: number; more: boolean } {
    db.exec('BEGIN IMMEDIATE');
    try {
      const removed = Number(remove.run(beforeDay, limit).changes);
      db.exec('COMMIT');
      return { removed, more: removed === limit };
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
}
