import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import { backupStore } from '../../src/backup/backupStore.js';
import { restoreStore } from '../../src/backup/restoreStore.js';
import { type Config, loadConfig } from '../../src/config.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const configFor = (env: Record<string, string>): Config => {
  const loaded = loadConfig(env, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
};

describe('backupStore', () => {
  it('refuses an --out folder that already holds files', async () => {
    const data = tempDir();
    await createSqliteStore(join(data, 'store.db')).close();
    const out = join(tempDir(), 'old');
    mkdirSync(out);
    writeFileSync(join(out, 'manifest.json'), '{}');
    expect(await backupStore(configFor({ DATA_DIR: data }), { out, baseDir: data })).toEqual({
      ok: false,
      reason: expect.stringMatching(/--out: .* is not empty/),
    });
  });

  it('refuses --online-copy for Cosmos DB, and a blob URL without a container', async () => {
    const cosmos = configFor({ STORE_BACKEND: 'cosmos', COSMOS_ENDPOINT: 'https://x.invalid/' });
    const command = { out: tempDir(), onlineCopy: true, baseDir: tempDir() };
    const copy = await backupStore(cosmos, command);
    expect(copy).toEqual({ ok: false, reason: expect.stringMatching(/--online-copy: only the/) });
    const out = 'https://acct.blob.core.windows.net/';
    const blob = await backupStore(configFor({}), { out, baseDir: tempDir() });
    expect(blob).toEqual({ ok: false, reason: expect.stringMatching(/names no blob container/) });
  });

  it('names the missing store instead of making an empty backup', async () => {
    const data = tempDir();
    const outcome = await backupStore(configFor({ DATA_DIR: data }), {
      out: join(tempDir(), 'b'),
      baseDir: data,
    });
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/no embedded store/) });
  });
});

describe('restoreStore', () => {
  it('reports a folder that holds no manifest', async () => {
    const data = tempDir();
    const report = await restoreStore(configFor({ DATA_DIR: data }), {
      from: tempDir(),
      baseDir: data,
    });
    expect(report).toEqual({
      ok: false,
      stage: 'check',
      problems: [expect.stringMatching(/no manifest\.json/)],
      tables: [],
    });
  });

  it('refuses a backup of another backend', async () => {
    const data = tempDir();
    await createSqliteStore(join(data, 'store.db')).close();
    const out = join(tempDir(), 'b');
    const backup = await backupStore(configFor({ DATA_DIR: data }), { out, baseDir: data });
    expect(backup).toMatchObject({ ok: true });
    const cosmos = configFor({
      STORE_BACKEND: 'cosmos',
      COSMOS_ENDPOINT: 'https://127.0.0.1:1/',
      COSMOS_KEY: 'a2V5',
    });
    const report = await restoreStore(cosmos, { from: out, baseDir: data });
    expect(report).toMatchObject({ ok: false, stage: 'check' });
    expect(report.ok ? '' : report.problems.join()).toMatch(/a sqlite store; the target is cosmos/);
  });
});
