import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { noTelemetry } from '../../../src/adapters/telemetry/noTelemetry.js';
import { appRoot } from '../../../src/appRoot.js';
import type { CommandIo } from '../../../src/commands/commandIo.js';
import { deleteCommand, readIdLines } from '../../../src/commands/delete/deleteCommand.js';
import { loadConfig } from '../../../src/config.js';
import { runDueDeletions } from '../../../src/core/privacy/deletion/runDeletion.js';
import { deletionDepsOf } from '../../../src/functions/deletions/deletionDeps.js';
import type { ScoreStore } from '../../../src/ports/index.js';
import { cosmosStoreOptions } from '../../../src/wiring/cosmosStoreOptions.js';
import { createDeps } from '../../../src/wiring/createDeps.js';
import { scoredEvent } from '../../adapters/storeContract.js';
import { cosmosDocumentsHolding, useCosmosServer } from '../../support/cosmosServer.js';
import { eventually, quietLogger } from '../../support/localHost.js';

/** Enough documents for a dozen erase transactions: the kill lands between two of them. */
const HEAVY = 30_000;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoring-delete-cmd-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const io = (env: Record<string, string>, out: string[], err: string[]): CommandIo => ({
  out: (l) => out.push(l),
  err: (l) => err.push(l),
  env,
  baseDir: appRoot(),
  tty: false,
  signal: new AbortController().signal,
});

/** A heavy person (more than a few erase transactions) among others, written straight to a store. */
function dataSet() {
  const docs = [];
  for (let i = 0; i < HEAVY; i += 1)
    docs.push(
      scoredEvent(
        'heavy',
        new Date(Date.UTC(2026, 9, 1 + (i % 28), 9, i % 60, i % 59)).toISOString(),
        {
          type: ['view', 'buy', 'click'][i % 3]!,
          score: (i % 100) / 100,
        },
      ),
    );
  for (let i = 0; i < 300; i += 1)
    docs.push(
      scoredEvent(`other-${i % 17}`, new Date(Date.UTC(2026, 9, 1 + (i % 28), 11)).toISOString(), {
        type: ['view', 'buy'][i % 2]!,
        score: (i % 10) / 10,
      }),
    );
  return docs;
}

async function figures(store: ScoreStore) {
  return {
    dau: await store.dailyActiveUsers('2026-10-01', '2026-10-31'),
    types: (await store.eventsByType('2026-10-01', '2026-10-31')).sort((a, b) =>
      a.type.localeCompare(b.type),
    ),
    retention: await store.retention({
      start: '2026-10-01',
      intervalDays: 7,
      cohorts: 4,
      windows: 3,
    }),
    // In no particular order from a store: sorted to compare.
    trends: (
      await store.trends({
        interval: 'week',
        periods: ['2026-09-28', '2026-10-05'],
        types: ['view', 'buy'],
      })
    ).sort((a, b) => `${a.type}${a.period}`.localeCompare(`${b.type}${b.period}`)),
  };
}

describe('event-scoring delete', () => {
  it('reads one id per line, skipping blanks and comments, naming the line of a bad id', () => {
    expect(readIdLines('a\r\n\n# comment\nb\na\n', 'ids.txt')).toEqual(['a', 'b']);
    expect(() => readIdLines('ok\nbad\u0001id\n', 'ids.txt')).toThrow(/^ids\.txt:2: /);
    expect(() => readIdLines('\n# only\n', 'ids.txt')).toThrow('ids.txt: no id in the file');
  });

  it('refuses bad arguments with exit code 2 and the usage', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { DATA_DIR: tempDir() };
    expect(await deleteCommand([], io(env, out, err))).toBe(2);
    expect(await deleteCommand(['--file', 'a', '--status', 'b'], io(env, out, err))).toBe(2);
    expect(await deleteCommand(['--file', join(tempDir(), 'missing.txt')], io(env, out, err))).toBe(
      2,
    );
    expect(err.join('\n')).toContain('give one of --file, --status or --reapply-ledger');
    expect(err.join('\n')).toMatch(/--file: cannot read .*missing\.txt \(ENOENT\)/);
  });

  it('killed with SIGKILL mid-deletion, the deletion completes on the next run with exact figures', async () => {
    const dataDir = tempDir();
    const docs = dataSet();
    const seed = createSqliteStore(join(dataDir, 'store.db'));
    for (let i = 0; i < docs.length; i += 1000) await seed.write(docs.slice(i, i + 1000));
    await seed.close();
    const reference = createSqliteStore(':memory:');
    await reference.write(docs.filter((d) => d.userId !== 'heavy'));

    const ids = join(dataDir, 'ids.txt');
    writeFileSync(ids, 'heavy\n');
    const child = spawn(process.execPath, ['bin/event-scoring.js', 'delete', '--file', ids], {
      cwd: appRoot(),
      env: { ...process.env, DATA_DIR: dataDir, SUPPRESSION_CACHE_SECONDS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Killed outright once the first erase transaction is saved.
    await eventually(
      async () => (/next=store documents=[1-9]/.test(err) ? true : undefined),
      120_000,
    );
    child.kill('SIGKILL');
    expect(await exited).toBe(null);

    const loaded = loadConfig({ DATA_DIR: dataDir, SUPPRESSION_CACHE_SECONDS: '0' }, 'local');
    if (!loaded.ok) throw new Error(loaded.message);
    let done: Awaited<ReturnType<typeof runDueDeletions>>[number] | undefined;
    const deps = await createDeps(loaded.config, {
      logger: quietLogger,
      telemetry: noTelemetry,
      baseDir: appRoot(),
    });
    try {
      const [unfinished] = await deps.deletions.ledger.unfinished();
      expect(unfinished).toMatchObject({ state: 'running', runs: 1 });
      expect(unfinished!.removed.documents).toBeGreaterThan(0);
      expect(unfinished!.removed.documents).toBeLessThan(HEAVY);
      [done] = await runDueDeletions(deletionDepsOf(deps));
      expect(done).toMatchObject({ state: 'done', runs: 2 });
      expect(done!.removed.documents).toBe(HEAVY);
      expect(await figures(deps.store)).toEqual(await figures(reference));
      expect((await deps.store.userScores({ userId: 'heavy', limit: 1 })).items).toEqual([]);
    } finally {
      await deps.close();
      await reference.close();
    }

    const out: string[] = [];
    const status: string[] = [];
    expect(
      await deleteCommand(['--status', done!.id], io({ DATA_DIR: dataDir }, out, status)),
    ).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ state: 'done', runs: 2 });
  }, 300_000);

  describe('against Cosmos DB (STORE_BACKEND=cosmos)', () => {
    const cosmos = useCosmosServer();

    it('deletes a person asked by an anonymous id, through the built command, exactly', async () => {
      const env = {
        STORE_BACKEND: 'cosmos',
        COSMOS_ENDPOINT: cosmos.server.endpoint,
        COSMOS_KEY: cosmos.server.key,
        COSMOS_DATABASE: `delete-${randomUUID()}`,
        DATA_DIR: tempDir(),
        SUPPRESSION_CACHE_SECONDS: '0',
      };
      const loaded = loadConfig(env, 'local');
      if (!loaded.ok) throw new Error(loaded.message);
      const at = (day: number, hour: number) =>
        new Date(Date.UTC(2026, 9, day, hour)).toISOString();
      const gone = [
        scoredEvent('anon:gone', at(1, 9), { type: 'view' }),
        scoredEvent('gone', at(2, 9), { link: { previousId: 'anon:gone', via: 'identify' } }),
        ...Array.from({ length: 20 }, (_, i) => scoredEvent('gone', at(3 + (i % 5), 10 + (i % 8)))),
      ];
      const kept = Array.from({ length: 30 }, (_, i) =>
        scoredEvent(`kept-${i % 4}`, at(1 + (i % 7), 12), { type: i % 2 ? 'view' : 'buy' }),
      );
      const store = await createCosmosStore(cosmos.client, cosmosStoreOptions(loaded.config));
      await store.write([...gone, ...kept]);
      const reference = createSqliteStore(':memory:');
      await reference.write(kept);

      const ids = join(env.DATA_DIR, 'ids.txt');
      writeFileSync(ids, '# asked by the anonymous id\nanon:gone\n');
      const child = spawn(process.execPath, ['bin/event-scoring.js', 'delete', '--file', ids], {
        cwd: appRoot(),
        // Only this child process trusts the test server's self-signed certificate.
        env: { ...process.env, ...env, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, err).toBe(0);
      const done = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(done).toMatchObject({ state: 'done', requested: 1, erasedIds: 2 });
      expect((done.removed as { documents: number }).documents).toBe(gone.length);

      expect(await figures(store)).toEqual(await figures(reference));
      expect(await store.userSummary('gone')).toBeUndefined();
      expect(await cosmosDocumentsHolding(cosmos.client, ['gone', 'anon:gone'])).toEqual([]);
      await reference.close();
    }, 300_000);
  });
});
