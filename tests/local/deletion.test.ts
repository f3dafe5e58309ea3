import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRoot } from '../../src/appRoot.js';
import { backupCommand } from '../../src/commands/backup/backupCommand.js';
import type { CommandIo } from '../../src/commands/commandIo.js';
import { replayCommand } from '../../src/commands/replay/replayCommand.js';
import { restoreCommand } from '../../src/commands/restore/restoreCommand.js';
import { functionTable } from '../../src/functionTable.js';
import { isTimerFunction } from '../../src/functionTypes.js';
import { type LocalHost } from '../../src/local/startLocalHost.js';
import { startTestHost } from '../support/localHost.js';

/*
 * Deleting persons on the local host, end to end: a data set with anonymous ids and identify links,
 * re-posted duplicates, late events and set-aside messages goes to two hosts, the second without the
 * deleted persons' events. After the deletion every analytics route answers alike on both, and the
 * deleted ids are in no file under the data folder (gzip opened), nor in the Parquet files; a backup
 * taken before, restored after, and a replay of the archive as it was before bring nothing back.
 */

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() - offset * DAY).toISOString().slice(0, 10);
const at = (offset: number, minute: number) =>
  new Date(Date.parse(`${day(offset)}T00:00:00Z`) + (8 * 60 + minute) * 60_000).toISOString();

const ANN = 'erase-ann@example.com';
const ANN_ANON = ['anon:erase-ann-1', 'anon:erase-ann-2'];
const ZOE = 'erase-zoe';
const ZOE_ANON = 'anon:erase-zoe-1';
const ERASED = [ANN, ...ANN_ANON, ZOE, ZOE_ANON];
const KEPT = ['keep-1', 'keep-2', 'keep-3', 'keep-4', 'anon:keep-visitor'];

interface Sent {
  eventId: string;
  userId: string;
  type: string;
  occurredAt: string;
  amount?: number;
  properties?: Record<string, unknown>;
  link?: { previousId: string; via: 'identify' | 'alias' };
}

/** The data set in sending order: every user over a week, links, then re-posts and late events. */
function dataSet(): Sent[][] {
  const events: Sent[] = [];
  let n = 0;
  const add = (userId: string, offset: number, extra: Partial<Sent> = {}) => {
    n += 1;
    const event: Sent = {
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      userId,
      type: ['view', 'click', 'purchase'][n % 3]!,
      occurredAt: at(offset, n % 600),
      ...(n % 3 === 2 && { amount: (n % 7) * 10 }),
      properties: { plan: ['free', 'pro'][n % 2]!, page: `/p/${n % 5}` },
      ...extra,
    };
    events.push(event);
    return event;
  };
  for (const [i, user] of [...KEPT, ...ANN_ANON, ZOE_ANON].entries())
    for (let offset = 6; offset >= 2; offset -= 1) if ((offset + i) % 3 !== 0) add(user, offset);
  add(ANN, 3, { type: 'identify', link: { previousId: ANN_ANON[0]!, via: 'identify' } });
  add(ANN, 2, { type: 'identify', link: { previousId: ANN_ANON[1]!, via: 'alias' } });
  add(ZOE, 3, { type: 'identify', link: { previousId: ZOE_ANON, via: 'identify' } });
  add('keep-1', 3, {
    type: 'identify',
    link: { previousId: 'anon:keep-visitor', via: 'identify' },
  });
  for (const user of [ANN, ZOE, ...KEPT])
    for (let offset = 2; offset >= 1; offset -= 1) add(user, offset);
  const first = events.slice();
  // Re-posted duplicates, and late events (old days, sent now).
  const again = first.filter((_, i) => i % 4 === 0);
  const late = [ANN, ZOE, 'keep-2', ANN_ANON[0]!].map((user) => add(user, 5, { type: 'late' }));
  return [first.slice(0, 40), first.slice(40), again, late];
}

const io = (env: Record<string, string>, lines: string[]): CommandIo => ({
  out: (l) => lines.push(l),
  err: (l) => lines.push(l),
  env,
  baseDir: appRoot(),
  tty: false,
  signal: new AbortController().signal,
});

/** A host over `dataDir` whose timers run by hand only (runTimer); no ledger cache delay. */
const startHost = (dataDir: string): Promise<LocalHost> =>
  startTestHost({ SUPPRESSION_CACHE_SECONDS: '0' }, dataDir, { timers: { firstRunMs: 3_600_000 } });

async function post(host: LocalHost, path: string, body: unknown, headers = {}) {
  const res = await fetch(`${host.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res;
}

async function send(host: LocalHost, batches: Sent[][], skip: ReadonlySet<string> = new Set()) {
  for (const batch of batches) {
    const events = batch.filter((e) => !skip.has(e.userId));
    if (events.length === 0) continue;
    const res = await post(host, '/api/events', { events });
    expect(((await res.json()) as { rejected: number }).rejected).toBe(0);
  }
  await host.consumer!.drain();
}

async function runTimer(host: LocalHost, name: string) {
  const timer = functionTable.filter(isTimerFunction).find((f) => f.name === name)!;
  await timer.create(host.deps)({ isPastDue: false }, { invocationId: name } as InvocationContext);
}

/** Every analytics answer, without the receipt and scoring times (they differ between hosts). */
async function figures(host: LocalHost) {
  const from = day(7);
  const to = day(0);
  const paths = [
    `/api/stats/dau?from=${from}&to=${to}`,
    `/api/stats/top-events?from=${from}&to=${to}&limit=20`,
    `/api/stats/retention?start=${from}&interval=day&cohorts=7&windows=7`,
    `/api/stats/scores?from=${from}&to=${to}&bins=20`,
    ...(['day', 'week', 'month'] as const).flatMap((interval) =>
      ['events', 'users'].map(
        (measure) =>
          `/api/stats/trends?events=view,click,purchase,late,identify&from=${from}&to=${to}&interval=${interval}&measure=${measure}`,
      ),
    ),
    ...KEPT.flatMap((id) => [
      `/api/users/${encodeURIComponent(id)}`,
      `/api/users/${encodeURIComponent(id)}/scores?limit=100`,
    ]),
  ];
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => k !== 'receivedAt' && k !== 'scoredAt')
          .map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(9)) : strip(v)]),
      );
    return value;
  };
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const res = await fetch(`${host.url}${path}`);
    out[path] = { status: res.status, body: strip(await res.json()) };
  }
  return out;
}

/** Every file under `dir` with its text (gzip opened), for the grep. */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        let bytes = readFileSync(path);
        if (name.endsWith('.gz')) bytes = gunzipSync(bytes);
        out.push({ path, text: bytes.toString('latin1') });
      }
    }
  };
  walk(dir);
  return out;
}

/** The files under `dir` holding one of the ids (as UTF-8 bytes). */
function holding(dir: string, ids: readonly string[]) {
  const needles = ids.map((id) => Buffer.from(id, 'utf8').toString('latin1'));
  return filesUnder(dir)
    .filter((f) => needles.some((n) => f.text.includes(n)))
    .map((f) => f.path.slice(dir.length + 1));
}

async function parquetRows(host: LocalHost, ids: readonly string[]) {
  const list = ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
  const res = await post(host, '/api/sql', {
    query: `SELECT count(*) AS n FROM events WHERE userId IN (${list})`,
  });
  return Number(((await res.json()) as { rows: number[][] }).rows[0]![0]);
}

describe('deleting persons on the local host', () => {
  const batches = dataSet();
  const dirs = {
    subject: mkdtempSync(join(tmpdir(), 'scoring-delete-')),
    reference: mkdtempSync(join(tmpdir(), 'scoring-delete-ref-')),
    backup: join(mkdtempSync(join(tmpdir(), 'scoring-delete-bak-')), 'b1'),
    oldArchive: mkdtempSync(join(tmpdir(), 'scoring-delete-arch-')),
  };
  let subject: LocalHost;
  let reference: LocalHost;
  let status: Record<string, unknown>;
  /** Sent during the deletion (after its cut-off): Zoë's, kept. */
  const during: Sent = {
    eventId: '00000000-0000-4000-8000-00000000d000',
    userId: ZOE,
    type: 'view',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
  };

  beforeAll(async () => {
    subject = await startHost(dirs.subject);
    reference = await startHost(dirs.reference);
    await send(subject, batches);
    // A Segment message that cannot be stored is set aside, with Ann's id in it.
    await fetch(`${subject.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeKey: 'any', batch: [{ type: 'track', userId: ANN }] }),
    });
    await runTimer(subject, 'compaction');
    await send(reference, batches, new Set(ERASED));
    await send(reference, [[during]]);
  }, 120_000);

  afterAll(async () => {
    await subject?.close();
    await reference?.close();
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the persons in the store, archive, dead letters and Parquet files before', async () => {
    const files = holding(dirs.subject, [ANN]);
    expect(files).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^store\.db/),
        expect.stringMatching(/^archive\//),
        expect.stringMatching(/^events\//),
      ]),
    );
    expect(await parquetRows(subject, ERASED)).toBeGreaterThan(0);
    const exported = await (await fetch(`${subject.url}/api/privacy/users/${ANN}/export`)).text();
    expect(exported).toContain('"kind":"deadLetter"');
  });

  it('deletes them: 202, then done, with what was removed per place', async () => {
    const lines: string[] = [];
    expect(await backupCommand(['--out', dirs.backup], io({ DATA_DIR: dirs.subject }, lines))).toBe(
      0,
    );
    cpSync(join(dirs.subject, 'archive'), dirs.oldArchive, { recursive: true });

    const res = await post(subject, '/api/privacy/deletions', { userIds: [ANN, ZOE_ANON] });
    expect(res.status).toBe(202);
    const made = (await res.json()) as { id: string; state: string };
    expect(made.state).toBe('pending');
    await send(subject, [[during]]);
    await runTimer(subject, 'deletions');
    status = (await (
      await fetch(`${subject.url}/api/privacy/deletions/${made.id}`)
    ).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'done', requested: 2, erasedIds: ERASED.length });
    const removed = status.removed as Record<string, number>;
    const sentErased = new Set(
      batches
        .flat()
        .filter((e) => ERASED.includes(e.userId))
        .map((e) => e.eventId),
    ).size;
    expect(removed.documents).toBe(sentErased);
    expect(removed.archiveLines).toBeGreaterThanOrEqual(sentErased);
    expect(removed.identityLinks).toBe(3);
    expect(removed.deadLetters).toBeGreaterThanOrEqual(1);
    expect(removed.eventFileDays).toBeGreaterThan(0);
    await runTimer(subject, 'compaction');
  });

  it('leaves every analytics answer equal to the host that never had their events', async () => {
    expect(await figures(subject)).toEqual(await figures(reference));
  });

  it('keeps the event sent during the deletion, received after its cut-off', async () => {
    const res = await fetch(`${subject.url}/api/users/${ZOE}/scores`);
    const body = (await res.json()) as { items: { eventId: string }[] };
    expect(body.items.map((e) => e.eventId)).toEqual([during.eventId]);
  });

  it('leaves their ids in no file under the data folder and no Parquet row', async () => {
    const gone = ERASED.filter((id) => id !== ZOE);
    expect(holding(dirs.subject, gone)).toEqual([]);
    expect(await parquetRows(subject, gone)).toBe(0);
    for (const id of gone) {
      expect((await fetch(`${subject.url}/api/users/${encodeURIComponent(id)}`)).status).toBe(404);
    }
  });

  it('a backup from before, restored after, and a replay of the old archive bring nothing back', async () => {
    await subject.close();
    for (const name of readdirSync(dirs.subject))
      if (name.startsWith('store.db')) rmSync(join(dirs.subject, name));
    const lines: string[] = [];
    expect(
      await restoreCommand(['--from', dirs.backup], io({ DATA_DIR: dirs.subject }, lines)),
    ).toBe(0);
    expect(lines.join('\n')).toMatch(/Deletion ledger applied: [1-9]\d* deleted id\(s\) found/);
    // The archive as it was before the deletion, replayed through the queue.
    rmSync(join(dirs.subject, 'archive'), { recursive: true });
    cpSync(dirs.oldArchive, join(dirs.subject, 'archive'), { recursive: true });
    subject = await startHost(dirs.subject);
    const replayed: string[] = [];
    const code = await replayCommand(
      ['--from', `${day(8)}T00:00:00Z`, '--to', new Date(Date.now() + 3_600_000).toISOString()],
      io({ DATA_DIR: dirs.subject, SUPPRESSION_CACHE_SECONDS: '0' }, replayed),
    );
    expect(code, replayed.join('\n')).toBe(0);
    expect(replayed.join('\n')).toMatch(/[1-9]\d* of deleted persons skipped/);
    await subject.consumer!.drain();
    // The event sent during the deletion came after the backup: sent again, it is as before.
    await send(subject, [[during]]);
    expect(await figures(subject)).toEqual(await figures(reference));
    const gone = ERASED.filter((id) => id !== ZOE);
    expect(holding(dirs.subject, gone).filter((f) => !f.startsWith('archive/'))).toEqual([]);
  });
});
