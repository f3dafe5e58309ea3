import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { backupCommand } from '../../../src/commands/backup/backupCommand.js';
import { loadConfig } from '../../../src/config.js';
import { scoredEvent } from '../../adapters/storeContract.js';

const DAY = 86_400_000;

async function run(env: Record<string, string>, args: string[], baseDir: string) {
  let stdout = '';
  let stderr = '';
  const code = await backupCommand(args, {
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
    env,
    baseDir,
    tty: false,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** Moves a finished backup's point in time `days` into the past, as if it had been taken then. */
function age(dir: string, days: number): void {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { pointInTime: { at: string } };
  manifest.pointInTime.at = new Date(Date.now() - days * DAY).toISOString();
  writeFileSync(path, JSON.stringify(manifest));
}

describe('backup command: retention', () => {
  let root: string;
  let env: Record<string, string>;
  let backups: string;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'backup-retention-'));
    env = { DATA_DIR: join(root, 'data'), BACKUP_RETENTION_DAYS: '30' };
    mkdirSync(env.DATA_DIR!);
    const store = createSqliteStore(join(env.DATA_DIR!, 'store.db'));
    await store.write([scoredEvent('ana', '2026-11-01T10:00:00.000Z')]);
    await store.close();
    backups = join(root, 'backups');
    for (const [name, days] of [
      ['2026-10-01', 65],
      ['2026-11-01', 34],
      ['2026-11-20', 15],
    ] as const) {
      const taken = await run(env, ['--out', join(backups, name), '--keep-all'], root);
      expect(taken.code, taken.stderr).toBe(0);
      age(join(backups, name), days);
    }
    // Not ours: a folder without a manifest, and one whose manifest is not a backup's.
    mkdirSync(join(backups, 'notes'));
    writeFileSync(join(backups, 'notes', 'readme.txt'), 'keep me');
    mkdirSync(join(backups, 'other-tool'));
    writeFileSync(join(backups, 'other-tool', 'manifest.json'), '{"createdAt":"2000-01-01"}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes the sibling backups older than BACKUP_RETENTION_DAYS, keeps the rest', async () => {
    const { code, stdout, stderr } = await run(env, ['--out', 'backups/2026-12-05'], root);
    expect(code, stderr).toBe(0);
    expect(readdirSync(backups).sort()).toEqual([
      '2026-11-20',
      '2026-12-05',
      'notes',
      'other-tool',
    ]);
    expect(readdirSync(join(backups, 'notes'))).toEqual(['readme.txt']);
    expect(readdirSync(join(backups, '2026-12-05'))).toContain('manifest.json');
    expect(stdout).toContain(`Removed expired backup ${join(backups, '2026-10-01')} (as of`);
    expect(stdout).toContain(`Removed expired backup ${join(backups, '2026-11-01')} (as of`);
    expect(stdout).toMatch(
      /Retention 30 days \(BACKUP_RETENTION_DAYS\): removed 2 backup\(s\) from .*backups, kept 2/,
    );
  });

  it('follows the setting: with 60 days only the 65-day-old backup goes', async () => {
    const longer = { ...env, BACKUP_RETENTION_DAYS: '60' };
    const { code, stderr } = await run(longer, ['--out', join(backups, 'new')], root);
    expect(code, stderr).toBe(0);
    expect(existsSync(join(backups, '2026-10-01'))).toBe(false);
    expect(existsSync(join(backups, '2026-11-01', 'manifest.json'))).toBe(true);
  });

  it('keeps a file in an expired backup that its manifest does not list, and the folder with it', async () => {
    writeFileSync(join(backups, '2026-10-01', 'operator-note.txt'), 'mine');
    const { code, stdout } = await run(env, ['--out', join(backups, 'new')], root);
    expect(code).toBe(0);
    expect(readdirSync(join(backups, '2026-10-01'))).toEqual(['operator-note.txt']);
    expect(stdout).toContain('left in place, not listed by its manifest: operator-note.txt');
  });

  it('removes nothing with --keep-all', async () => {
    const before = readdirSync(backups).sort();
    const { code, stdout } = await run(env, ['--out', join(backups, 'new'), '--keep-all'], root);
    expect(code).toBe(0);
    expect(readdirSync(backups).sort()).toEqual([...before, 'new'].sort());
    for (const name of ['2026-10-01', '2026-11-01']) {
      expect(readdirSync(join(backups, name))).toContain('scores.avro');
    }
    expect(stdout).toContain('--keep-all: no earlier backup removed');
  });

  it('removes nothing when the backup fails', async () => {
    mkdirSync(join(backups, 'full'));
    writeFileSync(join(backups, 'full', 'x'), 'x');
    const { code, stderr } = await run(env, ['--out', join(backups, 'full')], root);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Backup failed: --out: .* is not empty/);
    expect(existsSync(join(backups, '2026-10-01', 'manifest.json'))).toBe(true);
  });

  it.each(['0', '3651', 'thirty', '7.5', '-1'])(
    'refuses BACKUP_RETENTION_DAYS=%s before writing anything',
    async (value) => {
      const bad = { ...env, BACKUP_RETENTION_DAYS: value };
      const { code, stderr } = await run(bad, ['--out', join(backups, 'new')], root);
      expect(code).toBe(1);
      expect(stderr).toContain(`Cannot back up: Setting BACKUP_RETENTION_DAYS is invalid`);
      expect(existsSync(join(backups, 'new'))).toBe(false);
      expect(existsSync(join(backups, '2026-10-01', 'manifest.json'))).toBe(true);
    },
  );
});

describe('BACKUP_RETENTION_DAYS', () => {
  it('defaults to 30 and takes a whole number of days from 1 to 3650', () => {
    const unset = loadConfig({}, 'local');
    expect(unset.ok && unset.config.BACKUP_RETENTION_DAYS).toBe(30);
    for (const [value, days] of [
      ['1', 1],
      ['3650', 3650],
      [' 90 ', 90],
    ] as const) {
      const loaded = loadConfig({ BACKUP_RETENTION_DAYS: value }, 'local');
      expect(loaded.ok && loaded.config.BACKUP_RETENTION_DAYS, value).toBe(days);
    }
    expect(loadConfig({ BACKUP_RETENTION_DAYS: '3651' }, 'local')).toEqual({
      ok: false,
      message: 'Setting BACKUP_RETENTION_DAYS is invalid ("3651"): must be at most 3650',
    });
  });
});
