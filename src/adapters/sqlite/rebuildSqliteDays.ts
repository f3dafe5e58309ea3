import type { ScoredEvent } from '../../core/event.js';
import type { RebuildOutcome, RebuildProgress } from '../../core/time/rebuildProgress.js';
import { createZoneClock } from '../../core/time/zoneClock.js';
import { openDatabase } from './openDatabase.js';
import { sqliteIdentityQueries } from './sqliteIdentity.js';
import { createRollupWriter } from './sqliteRollups.js';
import { createSqliteStore } from './sqliteStore.js';
import { readMeta, storeZone, writeMeta } from './sqliteStoreZone.js';
import { createTrendWriter, TREND_TABLES } from './sqliteTrends.js';

/** Rollups that depend on the day; `models` (which models ever scored) does not and stays. */
const DAY_TABLES = ['type_days', 'day_users', 'score_days', 'users', ...TREND_TABLES];

interface Rebuild {
  zone: string;
  after: string;
  done: number;
}

/**
 * Recomputes every document's `day` and every rollup in `zone`, in transactions of `batch`
 * documents taken in eventId order. The rollups are emptied first, in the transaction that records
 * the rebuild; each later transaction stores its documents, their rollups and the last eventId
 * done, so a rebuild stopped anywhere resumes where it stopped and counts nothing twice. The store
 * refuses to open while a rebuild is recorded, and takes the new zone once it is finished.
 */
export async function rebuildSqliteDays(
  path: string,
  zone: string,
  options: { batch?: number; onProgress?: (p: RebuildProgress) => void } = {},
): Promise<RebuildOutcome> {
  const clock = createZoneClock(zone);
  // Opening the store once brings an older file's tables and rollups up to date.
  await createSqliteStore(path).close();
  const db = openDatabase(path);
  try {
    const batch = options.batch ?? 5000;
    const total = Number((db.prepare('SELECT COUNT(*) AS n FROM scores').get() as { n: number }).n);
    const recorded = readMeta(db, 'rebuild');
    let state: Rebuild;
    const from = storeZone(db);
    if (recorded !== undefined) {
      state = JSON.parse(recorded) as Rebuild;
      if (state.zone !== clock.zone)
        throw new Error(
          `a rebuild into ${state.zone} is under way; finish it first with --timezone ${state.zone}`,
        );
    } else {
      if (from === clock.zone || from === undefined) {
        writeMeta(db, 'timezone', clock.zone);
        return { from, zone: clock.zone, documents: 0, resumed: false };
      }
      state = { zone: clock.zone, after: '', done: 0 };
      db.exec('BEGIN IMMEDIATE');
      db.exec(DAY_TABLES.map((table) => `DELETE FROM ${table};`).join(' '));
      writeMeta(db, 'rebuild', JSON.stringify(state));
      db.exec('COMMIT');
    }
    const resumed = recorded !== undefined;
    const rollups = createRollupWriter(db);
    const trends = createTrendWriter(db);
    const page = db.prepare(
      'SELECT event_id, doc FROM scores WHERE event_id > ? ORDER BY event_id LIMIT ?',
    );
    const update = db.prepare('UPDATE scores SET doc = ? WHERE event_id = ?');
    // Counted per person, as the write path counts them (sqliteIdentity.ts): an id linked to a
    // person is that person in every rollup.
    const selectPerson = db.prepare(sqliteIdentityQueries.personOf);
    const counted = (doc: ScoredEvent): ScoredEvent => {
      const person = (selectPerson.get(doc.userId) as { person_id: string } | undefined)?.person_id;
      return person === undefined ? doc : { ...doc, userId: person };
    };
    for (;;) {
      const rows = page.all(state.after, batch) as { event_id: string; doc: string }[];
      if (rows.length === 0) break;
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const row of rows) {
          const doc = JSON.parse(row.doc) as ScoredEvent;
          doc.day = clock.dayOf(doc.occurredAt);
          update.run(JSON.stringify(doc), row.event_id);
          rollups.add(counted(doc));
          trends.add(counted(doc));
        }
        rollups.flush();
        trends.flush();
        state = { ...state, after: rows.at(-1)!.event_id, done: state.done + rows.length };
        writeMeta(db, 'rebuild', JSON.stringify(state));
        db.exec('COMMIT');
      } catch (error) {
        rollups.discard();
        trends.discard();
        db.exec('ROLLBACK');
        throw error;
      }
      options.onProgress?.({ zone: clock.zone, phase: 'fill', done: state.done, total });
    }
    db.exec('BEGIN IMMEDIATE');
    writeMeta(db, 'timezone', clock.zone);
    writeMeta(db, 'rebuild', undefined);
    db.exec('COMMIT');
    options.onProgress?.({ zone: clock.zone, phase: 'done', done: state.done, total });
    return { from, zone: clock.zone, documents: state.done, resumed };
  } finally {
    db.close();
  }
}
