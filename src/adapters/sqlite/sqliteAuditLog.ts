import { decodeAuditCursor, encodeAuditCursor } from '../../core/audit/auditCursor.js';
import type { AuditLog, AuditRecord } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';

// Triggers make the table append-only: an UPDATE or DELETE aborts.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_log (
    at TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (at, id)
  ) WITHOUT ROWID;
  CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/**
 * The audit log in a file of its own (DATA_DIR/audit.db), apart from the store so a restore never
 * replaces it. A page is one range read of the primary key, newest first.
 */
export function createSqliteAuditLog(path: string): AuditLog {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO audit_log (at, id, doc) VALUES (?, ?, ?)');
  const first = db.prepare('SELECT doc FROM audit_log ORDER BY at DESC, id DESC LIMIT ?');
  const after = db.prepare(
    'SELECT doc FROM audit_log WHERE (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?',
  );
  return {
    append: async (records) => {
      db.exec('BEGIN');
      try {
        for (const r of records) insert.run(r.at, r.id, JSON.stringify(r));
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    list: async ({ limit, cursor }) => {
      const from = cursor === undefined ? undefined : decodeAuditCursor(cursor);
      if (cursor !== undefined && !from) throw new RangeError('invalid cursor');
      const rows = from ? after.all(from.at, from.id, limit + 1) : first.all(limit + 1);
      const items = rows.slice(0, limit).map((r) => JSON.parse(r.doc as string) as AuditRecord);
      const last = items.at(-1);
      return {
        items,
        cursor: rows.length > limit && last ? encodeAuditCursor(last.at, last.id) : null,
      };
    },
    close: async () => db.close(),
  };
}
