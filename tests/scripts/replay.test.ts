import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { functionTable, type HttpFunction, isHttpFunction } from '../../src/app.js';

const isStoreRead = (f: HttpFunction) => f.access !== 'public' && f.access.scope === 'read';
import { appRoot } from '../../src/appRoot.js';
import { eventually, startTestHost } from '../support/localHost.js';

const run = promisify(execFile);
const cli = join(appRoot(), 'dist/scripts/replay.js');
const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString();
const DAYS = [0, 1, 2].map((d) => day(d).slice(0, 10)).reverse();

const users = ['alice', 'bob', 'carol', 'dave'];
const events = users.flatMap((userId, u) =>
  Array.from({ length: 6 + u }, (_, i) => ({
    eventId: randomUUID(),
    userId,
    type: i % 3 === 0 ? 'purchase' : 'page_view',
    occurredAt: day(i % 3),
    amount: i % 3 === 0 ? 5 + i * u : undefined,
    properties: { device: i % 2 ? 'mobile' : 'desktop' },
  })),
);

type Host = Awaited<ReturnType<typeof startTestHost>>;
type Doc = Record<string, unknown> & { scoredAt?: string; rescores?: Record<string, number> };

/** Every GET route of the table that reads the store (read scope) asked for these users and days: what a store rebuild must keep. */
async function answers(host: Host): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const routes = functionTable
    .filter(isHttpFunction)
    .filter((f) => f.trigger.methods.includes('GET') && isStoreRead(f));
  for (const f of routes) {
    for (const userId of f.trigger.route.includes('{userId}') ? users : ['-']) {
      const path = f.trigger.route.replace('{userId}', userId);
      // Retention takes a start day and no range; the other reads take a range.
      const query =
        f.name === 'retention'
          ? `start=${DAYS[0]}&cohorts=3&windows=2`
          : `from=${DAYS[0]}&to=${day(-1).slice(0, 10)}&limit=100`;
      const res = await fetch(`${host.url}/${path}?${query}`);
      // Every read must answer, or the comparison would hold for two identical errors.
      expect(res.status, `${f.name} ${path}`).toBe(200);
      out[`${f.name} ${path}`] = { status: res.status, body: await res.json() };
    }
  }
  return out;
}

/** scoredAt is when the scorer ran, so a rebuilt store differs there and only there. */
function withoutScoredAt(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    key === 'scoredAt' ? undefined : v,
  );
}

async function replay(dataDir: string, ...args: string[]) {
  return run(process.execPath, ['--disable-warning=ExperimentalWarning', cli, ...args], {
    cwd: appRoot(),
    env: { ...process.env, DATA_DIR: dataDir },
  });
}

const scoresOf = async (host: Host, userId: string) =>
  (
    (await (await fetch(`${host.url}/api/users/${userId}/scores?limit=100`)).json()) as {
      items: Doc[];
    }
  ).items;

describe('npm run replay', () => {
  let host: Host;
  let dataDir: string;
  let before: Record<string, unknown>;
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();

  beforeAll(async () => {
    host = await startTestHost();
    dataDir = host.dataDir;
    const res = await fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    await eventually(async () => {
      const counts = await Promise.all(users.map(async (u) => (await scoresOf(host, u)).length));
      return counts.reduce((a, b) => a + b) === events.length ? true : undefined;
    });
    before = await answers(host);
    await host.close();
  });
  afterAll(async () => {
    await host.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has archived every accepted event under its UTC hour of receipt', () => {
    const root = join(dataDir, 'archive');
    const files = readdirSync(root, { recursive: true }).map(String);
    expect(files.some((f) => /^\d{4}\/\d{2}\/\d{2}\/\d{2}\/.+\.ndjson\.gz$/.test(f))).toBe(true);
  });

  it('rebuilds a deleted store from the archive so every query answers as before', async () => {
    for (const f of ['store.db', 'store.db-wal', 'store.db-shm'])
      rmSync(join(dataDir, f), { force: true });
    expect(existsSync(join(dataDir, 'store.db'))).toBe(false);
    const { stdout } = await replay(dataDir, '--from', from, '--to', to);
    expect(stdout).toContain(`Re-sent ${events.length} archived event(s)`);

    host = await startTestHost({}, dataDir);
    await host.consumer!.drain();
    const rebuilt = await answers(host);
    expect(withoutScoredAt(rebuilt)).toEqual(withoutScoredAt(before));
    expect(Object.keys(rebuilt).length).toBeGreaterThanOrEqual(users.length + 1);

    // Into an intact store a replay changes nothing, scoredAt included: the first write wins.
    await host.close();
    await replay(dataDir, '--from', from, '--to', to);
    host = await startTestHost({}, dataDir);
    await host.consumer!.drain();
    expect(await answers(host)).toEqual(rebuilt);
    await host.close();
  });

  it('re-scores with another model once per version, keeping the first score', async () => {
    const shipped = JSON.parse(readFileSync(join(appRoot(), 'models/default.json'), 'utf8')) as {
      classifier: { intercept_: number[] };
    };
    const model = join(dataDir, 'next.json');
    writeFileSync(
      model,
      JSON.stringify({
        ...shipped,
        name: 'next',
        version: '2.0.0',
        classifier: { ...shipped.classifier, intercept_: [shipped.classifier.intercept_[0]! + 1] },
      }),
    );
    const { stdout } = await replay(dataDir, '--from', from, '--to', to, '--model', model);
    expect(stdout).toContain(`${events.length} document(s) hold its score`);

    host = await startTestHost({}, dataDir);
    const first = await Promise.all(users.map((u) => scoresOf(host, u)));
    const docs = first.flat();
    expect(docs).toHaveLength(events.length);
    for (const doc of docs) {
      const next = doc.rescores?.['next@2.0.0'];
      expect(next).toBeGreaterThan(0);
      expect(next).not.toBe(doc.score);
      expect(doc.model).toMatchObject({ name: 'purchase-propensity' });
    }
    const previous = before as Record<string, { body: { items: Doc[] } }>;
    expect(withoutScoredAt(first[0]!.map(({ rescores: _r, ...d }) => d))).toEqual(
      withoutScoredAt(previous[`userScores api/users/${users[0]}/scores`]!.body.items),
    );
    await host.close();

    await replay(dataDir, '--from', from, '--to', to, '--model', model);
    host = await startTestHost({}, dataDir);
    expect(await Promise.all(users.map((u) => scoresOf(host, u)))).toEqual(first);
    await host.close();
  });

  it('keeps replaying poisoned messages of the local queue when given no range', async () => {
    const { stdout } = await replay(dataDir);
    expect(stdout).toMatch(/^0 poisoned message\(s\) put back on the queue in /);
  });

  it('names a bad option and exits 2', async () => {
    await expect(replay(dataDir, '--from', 'yesterday', '--to', to)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--from is invalid') as unknown,
    });
  });
});
