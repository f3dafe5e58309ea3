import type { DatabaseSync } from 'node:sqlite';

import type { ScoredEvent } from '../../core/event.js';
import type { DayDocuments, DayMark } from '../../ports/sql.js';

const DAY = "json_extract(doc, '$.day')";
const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const mark = (day: string) =>
  `INSERT INTO day_marks (day, gen, changed_at) VALUES (${day}, 1, ${NOW})
     ON CONFLICT (day) DO UPDATE SET gen = gen + 1, changed_at = excluded.changed_at;`;

/*
 * day_marks: one row per day, its gen bumped by triggers on every insert, update (re-score) and
 * delete of a stored document, so no write path has to remember it. The expression index lets the
 * compaction read one day's documents without touching the others.
 */
export const DAY_DOCUMENTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS day_marks (
    day TEXT PRIMARY KEY,
    gen INTEGER NOT NULL,
    changed_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS scores_by_day ON scores (${DAY}, event_id);
  CREATE TRIGGER IF NOT EXISTS scores_mark_insert AFTER INSERT ON scores
    BEGIN ${mark(`json_extract(NEW.doc, '$.day')`)} END;
  CREATE TRIGGER IF NOT EXISTS scores_mark_update AFTER UPDATE ON scores
    BEGIN ${mark(`json_extract(OLD.doc, '$.day')`)} ${mark(`json_extract(NEW.doc, '$.day')`)} END;
  CREATE TRIGGER IF NOT EXISTS scores_mark_delete AFTER DELETE ON scores
    BEGIN ${mark(`json_extract(OLD.doc, '$.day')`)} END;
`;

const PAGE = 2000;

/** The read queries, exported so a test can check their plans use the index. */
export const dayDocumentQueries = {
  marks: 'SELECT day, gen, changed_at FROM day_marks',
  page: `SELECT event_id, doc FROM scores WHERE ${DAY} = :day AND event_id > :after ORDER BY ${DAY}, event_id LIMIT ${PAGE}`,
};

/**
 * Creates the marks (and, in a file written before them, marks every day already stored: one scan,
 * once) and returns the compaction's reads. Cost: the marks are a table of one row per day; a day's
 * documents are an index range read in pages of 2,000.
 */
export function createSqliteDayDocuments(db: DatabaseSync): DayDocuments {
  const existed = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'day_marks'").get();
  db.exec(DAY_DOCUMENTS_SCHEMA);
  if (existed === undefined)
    db.exec(
      `INSERT OR IGNORE INTO day_marks (day, gen, changed_at) SELECT DISTINCT ${DAY}, 1, ${NOW} FROM scores`,
    );
  const marks = db.prepare(dayDocumentQueries.marks);
  const page = db.prepare(dayDocumentQueries.page);
  return {
    async dayMarks(): Promise<DayMark[]> {
      const rows = marks.all() as { day: string; gen: number; changed_at: string }[];
      return rows.map((row) => ({ day: row.day, gen: String(row.gen), changedAt: row.changed_at }));
    },
    async *documentsOfDay(day: string): AsyncIterable<ScoredEvent> {
      let after = '';
      for (;;) {
        const rows = page.all({ day, after }) as { event_id: string; doc: string }[];
        for (const row of rows) yield JSON.parse(row.doc) as ScoredEvent;
        if (rows.length < PAGE) return;
        after = rows.at(-1)!.event_id;
      }
    },
  };
}
