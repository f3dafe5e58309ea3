import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openDatabase } from '../../../src/adapters/sqlite/openDatabase.js';
import { scrubDatabase } from '../../../src/adapters/sqlite/scrubDatabase.js';

const MARKER = 'marker-5f1c0e7a-erased-person';

/** Whether any of the database's files (.db, -wal) holds the marker's bytes. */
const filesHolding = (path: string) =>
  [path, `${path}-wal`].filter(
    (file) => existsSync(file) && readFileSync(file).includes(Buffer.from(MARKER)),
  );

describe('scrubDatabase', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scrub-'));
    path = join(dir, 'store.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Rows of other people around the marker's, a small row and one spilling into overflow pages. */
  const deleteMarkerRows = (secureDelete: boolean) => {
    const db = openDatabase(path, { secureDelete });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, user TEXT, body TEXT)');
    db.exec('CREATE INDEX t_user ON t (user)');
    const insert = db.prepare('INSERT INTO t (user, body) VALUES (?, ?)');
    for (let i = 0; i < 200; i++) insert.run(`other-${i}`, `{"n":${i}}`);
    insert.run(MARKER, `{"userId":"${MARKER}"}`);
    insert.run('big', `${MARKER} ${'x'.repeat(20_000)}`);
    for (let i = 200; i < 400; i++) insert.run(`other-${i}`, `{"n":${i}}`);
    // The rows reach the database file, as old data would have.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    expect(filesHolding(path)).toEqual([path]);
    db.prepare("DELETE FROM t WHERE user = ? OR user = 'big'").run(MARKER);
    return db;
  };

  it('leaves no byte of a deleted row in the database file or the WAL, with secure_delete', () => {
    const db = deleteMarkerRows(true);
    expect(scrubDatabase(db)).toMatchObject({ complete: true });
    expect(filesHolding(path)).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 400 });
    db.close();
    expect(filesHolding(path)).toEqual([]);
  });

  it('is on by default in openDatabase', () => {
    const db = openDatabase(path);
    expect(db.prepare('PRAGMA secure_delete').get()).toEqual({ secure_delete: 1 });
    db.close();
  });

  it('is needed: without secure_delete the deleted row stays readable in the file', () => {
    const db = deleteMarkerRows(false);
    scrubDatabase(db);
    expect(filesHolding(path)).toEqual([path]);
    db.close();
  });

  it('is needed: with secure_delete but no scrub, the WAL still holds the row', () => {
    const db = deleteMarkerRows(true);
    // The pages the delete changed are in the WAL only; before them the file still has the row.
    expect(filesHolding(path).length).toBeGreaterThan(0);
    db.close();
  });

  it('reports a scrub a reader held back', () => {
    const db = deleteMarkerRows(true);
    const reader = openDatabase(path);
    reader.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA busy_timeout = 0');
    db.exec('CREATE TABLE later (x)');
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM t').get();
    db.exec('INSERT INTO later VALUES (1)');
    expect(scrubDatabase(db).complete).toBe(false);
    reader.exec('COMMIT');
    expect(scrubDatabase(db).complete).toBe(true);
    expect(filesHolding(path)).toEqual([]);
    reader.close();
    db.close();
  });
});
