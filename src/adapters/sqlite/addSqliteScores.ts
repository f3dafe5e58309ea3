import type { DatabaseSync } from 'node:sqlite';

import { rescoreKey } from '../../core/rescoreKey.js';
import type { Rescore, RescoreResult } from '../../ports/index.js';

/**
 * ScoreStore.addScores for the embedded store: one transaction, one primary-key UPDATE per item.
 * The WHERE clause leaves a score already set for that model version alone, so a second run is a no-op.
 */
export function createSqliteAddScores(db: DatabaseSync) {
  const update = db.prepare(
    'UPDATE scores SET doc = json_set(doc, :path, :score) WHERE event_id = :eventId AND json_type(doc, :path) IS NULL',
  );
  const exists = db.prepare('SELECT 1 AS found FROM scores WHERE event_id = ?');
  return async function addScores(items: readonly Rescore[]): Promise<RescoreResult> {
    let updated = 0;
    let missing = 0;
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const item of items) {
        const path = `$.rescores."${rescoreKey(item).replaceAll('"', '')}"`;
        const { changes } = update.run({ path, score: item.score, eventId: item.eventId });
        if (Number(changes) > 0 || exists.get(item.eventId) !== undefined) updated++;
        else missing++;
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    return { updated, missing };
  };
}
