import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { rebuildDaysCommand } from '../../../src/commands/rebuildDays/rebuildDaysCommand.js';
import { scoredEvent } from '../../adapters/storeContract.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function io() {
  const dir = mkdtempSync(join(tmpdir(), 'rebuild-cmd-'));
  dirs.push(dir);
  const out: string[] = [];
  const err: string[] = [];
  return {
    dir,
    out,
    err,
    io: {
      env: { DATA_DIR: 'data', STORE_BACKEND: 'sqlite' },
      baseDir: dir,
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
    },
  };
}

describe('rebuildDaysCommand', () => {
  it('names a missing or unknown zone and a bad batch, with exit code 2', async () => {
    const t = io();
    expect(await rebuildDaysCommand([], t.io)).toBe(2);
    expect(await rebuildDaysCommand(['--timezone', 'Mars/Olympus'], t.io)).toBe(2);
    expect(await rebuildDaysCommand(['--timezone', 'UTC', '--batch', '0'], t.io)).toBe(2);
    expect(await rebuildDaysCommand(['--zone', 'UTC'], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/--timezone is required/);
    expect(t.err.join('\n')).toMatch(/"Mars\/Olympus" is not an IANA time zone name/);
    expect(t.err.join('\n')).toMatch(/--batch must be an integer/);
  });

  it('moves a UTC store into a zone with progress, then the store opens only in that zone', async () => {
    const t = io();
    const path = join(t.dir, 'data', 'store.db');
    const store = createSqliteStore(path, { timeZone: 'UTC' });
    // 23:30 UTC is the next day in Berlin.
    await store.write([scoredEvent('u1', '2026-03-01T23:30:00.000Z', { type: 'view' })]);
    expect(await store.dailyActiveUsers('2026-03-01', '2026-03-02')).toEqual([
      { day: '2026-03-01', activeUsers: 1 },
      { day: '2026-03-02', activeUsers: 0 },
    ]);
    await store.close();

    expect(await rebuildDaysCommand(['--timezone', 'Europe/Berlin'], t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/done: 1\/1 documents \(100 %\)/);
    expect(t.out.at(-1)).toBe(
      'Rebuilt 1 documents from UTC into Europe/Berlin. Set TIMEZONE=Europe/Berlin.',
    );
    const berlin = createSqliteStore(path, { timeZone: 'Europe/Berlin' });
    expect(await berlin.dailyActiveUsers('2026-03-01', '2026-03-02')).toEqual([
      { day: '2026-03-01', activeUsers: 0 },
      { day: '2026-03-02', activeUsers: 1 },
    ]);
    expect((await berlin.userScores({ userId: 'u1', limit: 1 })).items[0]?.day).toBe('2026-03-02');
    await berlin.close();

    expect(await rebuildDaysCommand(['--timezone', 'Europe/Berlin'], t.io)).toBe(0);
    expect(t.out.at(-1)).toMatch(/in Europe\/Berlin already; nothing to do/);
  });
});
