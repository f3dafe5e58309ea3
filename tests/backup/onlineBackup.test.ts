import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { backupStore } from '../../src/backup/backupStore.js';
import { restoreStore } from '../../src/backup/restoreStore.js';
import { type Config, loadConfig } from '../../src/config.js';
import { functionTable } from '../../src/functionTable.js';
import { isHttpFunction } from '../../src/functionTypes.js';
import { eventually, startTestHost } from '../support/localHost.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;

const USERS = Array.from({ length: 12 }, (_, i) => `user-${i}`);
const day = (daysAgo: number) =>
  new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The requests each GET route of the function table is compared on. A route missing here is still
 * compared, with its path parameters set to a user and a from/to range of days.
 */
const requestsFor: Record<string, () => string[]> = {
  userScores: () =>
    USERS.flatMap((u) => [
      `api/users/${u}/scores?limit=100`,
      `api/users/${u}/scores?limit=5&from=${day(1)}T00:00:00Z`,
    ]),
  dau: () => [`api/stats/dau?from=${day(4)}&to=${day(0)}`],
  retention: () => [`api/stats/retention?start=${day(4)}&interval=day&cohorts=5&windows=4`],
  userSummary: () => USERS.map((u) => `api/users/${u}`),
  health: () => ['api/health'],
};
const getRoutes = functionTable
  .filter(isHttpFunction)
  .filter(
    (f) => f.trigger.methods.includes('GET') && f.access !== 'public' && f.access.scope === 'read',
  );
const requests = getRoutes.flatMap(
  (f) =>
    requestsFor[f.name]?.() ?? [
      `${f.trigger.route.replace(/\{[^}]+\}/g, USERS[0]!)}?from=${day(4)}&to=${day(0)}`,
    ],
);

/** Status and body of a request, following continuation tokens to the last page. */
async function answer(host: Host, path: string): Promise<{ status: number; body: unknown }[]> {
  const pages: { status: number; body: unknown }[] = [];
  let token: string | null = null;
  do {
    const url: string = `${host.url}/${path}${token ? `&continuationToken=${token}` : ''}`;
    const res = await fetch(url);
    const body = (await res.json()) as { continuationToken?: string | null };
    pages.push({ status: res.status, body });
    token = body.continuationToken ?? null;
  } while (token);
  return pages;
}

const answers = (host: Host) => Promise.all(requests.map((path) => answer(host, path)));

async function storedEvents(host: Host): Promise<number> {
  let total = 0;
  for (const u of USERS) {
    for (const page of await answer(host, `api/users/${u}/scores?limit=100`)) {
      total += (page.body as { items: unknown[] }).items.length;
    }
  }
  return total;
}

const configFor = (dataDir: string): Config => {
  const loaded = loadConfig({ DATA_DIR: dataDir }, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
};

describe('backup while the host ingests, restore into a fresh DATA_DIR', () => {
  const hosts: Host[] = [];
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'online-backup-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const host of hosts) {
      await host.close();
      host.removeData();
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('restores the store as it was at the backup point, answering every GET route the same', async () => {
    const live = await startTestHost();
    hosts.push(live);
    let accepted = 0;
    let posts = 0;
    let stop = false;
    const ingesting = (async () => {
      while (!stop) {
        const events = Array.from({ length: 20 }, (_, i) => ({
          eventId: randomUUID(),
          userId: USERS[(posts + i) % USERS.length]!,
          type: i % 4 === 0 ? 'purchase' : 'page_view',
          occurredAt: new Date(Date.now() - ((posts * 20 + i) % 96) * 3_600_000).toISOString(),
          ...(i % 4 === 0 ? { amount: 5 + i } : {}),
        }));
        const res = await fetch(`${live.url}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        });
        expect(res.status).toBe(202);
        accepted += ((await res.json()) as { accepted: number }).accepted;
        posts += 1;
        await sleep(5);
      }
    })();
    await eventually(async () => ((await storedEvents(live)) >= 100 ? true : undefined));

    const out = join(tempDir(), 'backup');
    const backup = await backupStore(configFor(live.dataDir), {
      out,
      onlineCopy: true,
      baseDir: live.dataDir,
    });
    const postsAtBackup = posts;
    await eventually(async () => (posts >= postsAtBackup + 5 ? true : undefined));
    stop = true;
    await ingesting;
    if (!backup.ok) throw new Error(backup.reason);
    const inBackup = backup.manifest.files.find((f) => f.table === 'scores')!.records;
    expect(inBackup).toBeGreaterThanOrEqual(100);
    // Ingest went on during and after the backup: the live store ends up ahead of the backup.
    await eventually(async () => ((await storedEvents(live)) === accepted ? true : undefined));
    expect(accepted).toBeGreaterThan(inBackup);

    const restoredDir = tempDir();
    const report = await restoreStore(configFor(restoredDir), { from: out, baseDir: restoredDir });
    expect(report).toMatchObject({ ok: true });

    // The reference is the snapshot the backup was read from (its online copy), not the live store.
    const snapshotDir = tempDir();
    copyFileSync(join(out, 'store.db'), join(snapshotDir, 'store.db'));
    const snapshot = await startTestHost({}, snapshotDir);
    const restored = await startTestHost({}, restoredDir);
    hosts.push(snapshot, restored);

    expect(await storedEvents(restored)).toBe(inBackup);
    const expected = await answers(snapshot);
    expect(await answers(restored)).toEqual(expected);
    for (const pages of expected) for (const page of pages) expect(page.status).toBe(200);
    expect(await answers(live)).not.toEqual(expected);
  }, 60_000);
});
