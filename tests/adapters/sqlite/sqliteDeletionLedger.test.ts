import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { openDatabase } from '../../../src/adapters/sqlite/openDatabase.js';
import { createSqliteDeletionLedger } from '../../../src/adapters/sqlite/sqliteDeletionLedger.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { appRoot } from '../../../src/appRoot.js';
import { backupCommand } from '../../../src/commands/backup/backupCommand.js';
import type { CommandIo } from '../../../src/commands/commandIo.js';
import { restoreCommand } from '../../../src/commands/restore/restoreCommand.js';
import { loadConfig } from '../../../src/config.js';
import { fingerprint } from '../../../src/core/privacy/deletion/fingerprint.js';
import { dataPaths } from '../../../src/wiring/dataPaths.js';
import { deletionLedgerContract, deletionRequest } from '../deletionLedgerContract.js';

deletionLedgerContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  const path = join(dir, 'privacy.db');
  const ledger = createSqliteDeletionLedger(path);
  return {
    ledger,
    reopen: async () => createSqliteDeletionLedger(path),
    async cleanup() {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

describe('createSqliteDeletionLedger', () => {
  it('keeps no byte of the ids in its file or WAL once a request is saved done without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const path = join(dir, 'privacy.db');
    const ids = ['person-4c1f9d-one', 'person-4c1f9d-two'];
    try {
      const ledger = createSqliteDeletionLedger(path);
      const running = deletionRequest('del-1', { userIds: ids, erasedIds: ids, state: 'running' });
      await ledger.create(running);
      await ledger.save({ ...running, fingerprints: ids.map(fingerprint) });
      const holding = () =>
        [path, `${path}-wal`].filter(
          (f) => existsSync(f) && ids.some((id) => readFileSync(f).includes(Buffer.from(id))),
        );
      expect(holding().length).toBeGreaterThan(0);
      await ledger.save({
        ...running,
        state: 'done',
        step: 'finished',
        userIds: [],
        erasedIds: [],
        fingerprints: ids.map(fingerprint),
      });
      expect(holding()).toEqual([]);
      expect(await ledger.entries()).toEqual([
        { fingerprints: ids.map(fingerprint), receivedUpTo: running.receivedUpTo },
      ]);
      await ledger.close();
      expect(holding()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the unfinished requests from their partial index, in order, without a sort', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    try {
      const path = join(dir, 'privacy.db');
      await createSqliteDeletionLedger(path).close();
      const db = openDatabase(path);
      const plan = (
        db
          .prepare(
            "EXPLAIN QUERY PLAN SELECT * FROM deletions WHERE state != 'done' ORDER BY requested_at, id",
          )
          .all() as { detail: string }[]
      )
        .map((p) => p.detail)
        .join(' ');
      db.close();
      expect(plan).toContain('deletions_unfinished');
      expect(plan).not.toContain('TEMP B-TREE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lives in DATA_DIR/privacy.db: a backup does not hold it and a restore leaves it as it was', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-data-'));
    const backupDir = mkdtempSync(join(tmpdir(), 'ledger-backup-'));
    const io = (env: Record<string, string>): CommandIo => ({
      out: () => undefined,
      err: () => undefined,
      env,
      baseDir: appRoot(),
      tty: false,
      signal: new AbortController().signal,
    });
    try {
      const loaded = loadConfig({ DATA_DIR: dataDir }, 'local');
      if (!loaded.ok) throw new Error(loaded.message);
      const paths = dataPaths(loaded.config, appRoot());
      expect(paths.privacy).toBe(join(dataDir, 'privacy.db'));
      await createSqliteStore(paths.store).close();
      const ledger = createSqliteDeletionLedger(paths.privacy);
      const request = deletionRequest('del-marker-77d2', { userIds: ['asked-marker-77d2'] });
      await ledger.create(request);

      expect(await backupCommand(['--out', join(backupDir, 'b')], io({ DATA_DIR: dataDir }))).toBe(
        0,
      );
      for (const file of filesUnder(backupDir)) {
        expect(readFileSync(file).includes(Buffer.from('marker-77d2')), file).toBe(false);
      }
      expect(
        await restoreCommand(['--from', join(backupDir, 'b')], io({ DATA_DIR: dataDir })),
      ).toBe(0);
      expect(await ledger.get(request.id)).toEqual(request);
      await ledger.close();
      const reopened = createSqliteDeletionLedger(paths.privacy);
      expect(await reopened.unfinished()).toEqual([request]);
      await reopened.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(backupDir, { recursive: true, force: true });
    }
  });
});
