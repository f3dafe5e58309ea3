import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { openDatabase } from '../../../src/adapters/sqlite/openDatabase.js';
import { openSqliteBackupSource } from '../../../src/adapters/sqlite/sqliteBackupSource.js';
import { createSqliteDeadLetterSink } from '../../../src/adapters/sqlite/sqliteDeadLetterSink.js';
import { openSqliteRestoreTarget } from '../../../src/adapters/sqlite/sqliteRestoreTarget.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { runBackup } from '../../../src/backup/runBackup.js';
import { runRestore } from '../../../src/backup/runRestore.js';
import { backupContract } from '../backupContract.js';

backupContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-backup-'));
  const path = join(dir, 'live', 'store.db');
  const store = createSqliteStore(path);
  const deadLetters = createSqliteDeadLetterSink(path);
  let n = 0;
  return {
    store,
    deadLetters,
    openSource: () => openSqliteBackupSource(path, join(dir, `snapshot-${n++}.db`)),
    async openEmpty() {
      const restored = join(dir, `restored-${n++}`, 'store.db');
      const target = openSqliteRestoreTarget(restored);
      return { target, store: createSqliteStore(restored) };
    },
    async cleanup() {
      await store.close();
      await deadLetters.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('openSqliteBackupSource', () => {
  it('finds every table, including ones the store module does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-backup-'));
    try {
      const path = join(dir, 'store.db');
      const db = openDatabase(path);
      db.exec(`CREATE TABLE rollup_daily (day TEXT NOT NULL, n INTEGER, total REAL, raw BLOB, PRIMARY KEY (day));
        CREATE INDEX rollup_by_n ON rollup_daily (n);
        INSERT INTO rollup_daily VALUES ('2026-03-10', 3, 1.5, x'00ff'), ('2026-03-11', NULL, NULL, NULL);`);
      db.close();
      const source = await openSqliteBackupSource(path, join(dir, 'snap.db'));
      expect(source.tables.map((t) => t.name)).toEqual(['rollup_daily']);
      const [table] = source.tables;
      expect(table!.schema.fields).toEqual([
        { name: 'day', type: 'string' },
        { name: 'n', type: ['null', 'long'] },
        { name: 'total', type: ['null', 'double'] },
        { name: 'raw', type: ['null', 'bytes'] },
      ]);
      expect(table!.definition).toMatchObject({ indexes: [expect.stringMatching(/rollup_by_n/)] });
      const rows: Record<string, unknown>[] = [];
      for await (const row of source.rows(table!)) rows.push({ ...row });
      expect(rows[0]).toEqual({ day: '2026-03-10', n: 3, total: 1.5, raw: Buffer.from([0, 255]) });
      await source.close();

      const target = openSqliteRestoreTarget(join(dir, 'restored', 'store.db'));
      async function* again() {
        yield* rows;
      }
      expect(await target.load(table!, again())).toBe(2);
      expect(await target.count(table!)).toBe(2);
      await target.close();
      const restored = openDatabase(join(dir, 'restored', 'store.db'));
      expect(
        restored
          .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'rollup_by_n'")
          .get(),
      ).toBeDefined();
      restored.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes an empty table as a valid Avro file and restores it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-backup-'));
    try {
      const path = join(dir, 'store.db');
      openDatabase(path).exec('CREATE TABLE nothing_yet (x TEXT)');
      const source = await openSqliteBackupSource(path, join(dir, 'snap.db'));
      mkdirSync(join(dir, 'out'));
      const manifest = await runBackup(source, join(dir, 'out'));
      await source.close();
      expect(manifest.files).toMatchObject([{ table: 'nothing_yet', records: 0 }]);
      expect(
        readFileSync(join(dir, 'out', 'nothing_yet.avro'))
          .subarray(0, 4)
          .toString(),
      ).toBe('Obj\x01');
      const target = openSqliteRestoreTarget(join(dir, 'restored', 'store.db'));
      const report = await runRestore(join(dir, 'out'), target);
      await target.close();
      expect(report).toMatchObject({
        ok: true,
        tables: [{ table: 'nothing_yet', expected: 0, loaded: 0, counted: 0 }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a path with no store', async () => {
    await expect(openSqliteBackupSource('/nonexistent/store.db', '/tmp/x.db')).rejects.toThrow(
      /no embedded store/,
    );
  });
});
