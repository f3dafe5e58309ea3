import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { noTelemetry } from '../../src/adapters/telemetry/noTelemetry.js';
import { appRoot } from '../../src/appRoot.js';
import { loadConfig } from '../../src/config.js';
import { runDeletion } from '../../src/core/privacy/deletion/runDeletion.js';
import { deletionDepsOf } from '../../src/functions/deletions/deletionDeps.js';
import { requestDeletion } from '../../src/functions/deletions/deletions.js';
import type {
  DeletionRemoved,
  DeletionRequest,
  DeletionStep,
  Logger,
} from '../../src/ports/index.js';
import { createDeps } from '../../src/wiring/createDeps.js';
import { type BenchHost, forkBenchHost, postEvents } from './benchHost.js';
import { buildDeletionStore, type DeletionStore } from './buildDeletionStore.js';

export interface DeletionBenchOptions {
  /** Documents in the store (`--deletion-events`, 1,000,000 by default). */
  events?: number;
  /** Documents of the deleted person (`--deletion-target-events`, 10,000 by default). */
  targetEvents?: number;
  days?: number;
  /**
   * The ingest comparison: cycles of `cycleEvents` (20,000 by default) for `seconds` before the
   * deletion (default: the deletion's own time, 5 to 30 s), as many after it; false to skip it.
   */
  ingest?: { seconds?: number; cycleEvents?: number } | false;
  /** Keeps the data folder (its path is in the result) instead of removing it. */
  keep?: boolean;
}

/** Ingest in cycles: a cycle posts `cycleEvents` events, then waits until the scorer stored them. */
interface IngestPhase {
  cycles: number;
  events: number;
  /** Median over the cycles of events over the time to have them all accepted (202). */
  acceptedPerSecond: number;
  /** Median over the cycles of events over the time to have them all stored. */
  storedPerSecond: number;
}

export interface DeletionBench {
  dataDir: string;
  store: DeletionStore;
  buildSeconds: number;
  /** The first target, deleted in this process with nothing else running. */
  deletion: {
    seconds: number;
    /** requestDeletion alone (resolve the ids, write the ledger, audit). */
    requestMs: number;
    /** Time in each step of runDeletion, from its progress (a step ends when the next is saved). */
    stepMs: Partial<Record<DeletionStep, number>>;
    removed: DeletionRemoved;
    /** Saves of the request (one per step and per bounded piece of one). */
    ledgerSaves: number;
    /** Archive objects written by the deletion and their bytes; the archive's size before. */
    archiveObjectsWritten: number;
    archiveBytesWritten: number;
    archiveBytesBefore: number;
    /** The person's documents still stored after it (must be 0). */
    remainingDocuments: number;
  };
  /** The second target, deleted by `event-scoring delete` in its own process while ingest runs. */
  ingest?: {
    cycleEvents: number;
    before: IngestPhase;
    during: IngestPhase;
    after: IngestPhase;
    /** Accepted events/s during the deletion over the mean of before and after. */
    acceptedRatio: number;
    storedRatio: number;
    /** The delete command's deletion, from its first running step to its exit, and per step. */
    deletionSeconds: number;
    deletionStepMs: Partial<Record<DeletionStep, number>>;
    deletionRemoved: DeletionRemoved;
    remainingDocuments: number;
  };
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const BATCH = 100;
const CONCURRENCY = 16;

/** Settings of every process of the bench. */
const settings = (dataDir: string) => ({ DATA_DIR: dataDir, TIMEZONE: 'UTC', LOG_LEVEL: 'warn' });
/**
 * The deleting processes start at once (no start delay); the host keeps the default cache of the
 * suppression list and ledger, as ingest runs in production (0 would read them per request).
 */
const deleting = (dataDir: string) => ({ ...settings(dataDir), SUPPRESSION_CACHE_SECONDS: '0' });

/**
 * Issue 16's figure: deleting one person with `targetEvents` documents from an embedded store of
 * `events`, through the real path (requestDeletion, then runDeletion over createDeps), timed per
 * step; then ingest throughput on a local host over the same data folder without a deletion and
 * while `event-scoring delete` deletes a second person in another process.
 */
export async function benchDeletion(options: DeletionBenchOptions = {}): Promise<DeletionBench> {
  const events = options.events ?? 1_000_000;
  const targetEvents = options.targetEvents ?? 10_000;
  const withIngest = options.ingest !== false;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-deletion-'));
  try {
    const b0 = performance.now();
    const store = await buildDeletionStore(dataDir, {
      events,
      targetEvents,
      targets: withIngest ? 2 : 1,
      days: options.days ?? 90,
      now: Date.now(),
    });
    const buildSeconds = (performance.now() - b0) / 1000;
    const target = store.targets[0]!;
    const deletion = {
      ...(await deleteInProcess(dataDir, target.userId)),
      remainingDocuments: countDocuments(dataDir, target.ids),
    };
    const result: DeletionBench = { dataDir, store, buildSeconds, deletion };
    if (options.ingest !== false) {
      const seconds =
        options.ingest?.seconds ?? Math.min(30, Math.max(5, Math.round(deletion.seconds)));
      result.ingest = await ingestBesideDeletion(dataDir, store.targets[1]!, {
        seconds,
        cycleEvents: options.ingest?.cycleEvents ?? 20_000,
      });
    }
    return result;
  } finally {
    if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function deleteInProcess(dataDir: string, userId: string) {
  const loaded = loadConfig(deleting(dataDir), 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  const archiveBytesBefore = archiveFiles(dataDir, 0).bytes;
  const deps = await createDeps(loaded.config, {
    logger: quiet,
    telemetry: noTelemetry,
    baseDir: appRoot(),
  });
  try {
    const started = Date.now();
    const t0 = performance.now();
    const asked = await requestDeletion(deps, {
      userIds: [userId],
      suppress: false,
      keyId: 'bench',
    });
    const t1 = performance.now();
    const steps = stepClock(asked.step, t1);
    let saves = 0;
    const done = await runDeletion(
      deletionDepsOf(deps, (r: DeletionRequest) => {
        saves += 1;
        steps.note(r.step, performance.now());
      }),
      asked,
    );
    const t2 = performance.now();
    steps.end(t2);
    if (done.state !== 'done') throw new Error(`deletion ${done.state}: ${done.reason ?? ''}`);
    const written = archiveFiles(dataDir, started);
    return {
      seconds: (t2 - t0) / 1000,
      requestMs: t1 - t0,
      stepMs: steps.ms,
      removed: done.removed,
      ledgerSaves: saves,
      archiveObjectsWritten: written.objects,
      archiveBytesWritten: written.bytes,
      archiveBytesBefore,
    };
  } finally {
    await deps.close();
  }
}

/** Time per step from a deletion's progress: a step ends when a save names the next one. */
function stepClock(first: DeletionStep, start: number) {
  const ms: Partial<Record<DeletionStep, number>> = {};
  let step = first;
  let since = start;
  return {
    ms,
    note(next: DeletionStep, now: number) {
      if (next === step) return;
      ms[step] = (ms[step] ?? 0) + (now - since);
      step = next;
      since = now;
    },
    /** The rest goes to the current step ('finished': the done save, the scrub, the audit). */
    end(now: number) {
      ms[step] = (ms[step] ?? 0) + (now - since);
      since = now;
    },
  };
}

/** Archive objects modified at or after `since` (epoch ms), and their bytes. */
function archiveFiles(dataDir: string, since: number) {
  let objects = 0;
  let bytes = 0;
  const root = join(dataDir, 'archive');
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ndjson.gz')) continue;
    const stat = statSync(join(entry.parentPath, entry.name));
    if (stat.mtimeMs < since) continue;
    objects += 1;
    bytes += stat.size;
  }
  return { objects, bytes };
}

/** The ids' documents in the store, counted in SQL. */
export function countDocuments(dataDir: string, ids: readonly string[]): number {
  const db = new DatabaseSync(join(dataDir, 'store.db'), { readOnly: true });
  try {
    const row = db
      .prepare(
        `SELECT COUNT(*) AS n FROM scores WHERE user_id IN (${ids.map(() => '?').join(',')})`,
      )
      .get(...ids) as { n: number };
    return Number(row.n);
  } finally {
    db.close();
  }
}

/** The bench's local host (dist/scripts/benchServer.js: the real host, scorer thread, no timers). */
const startHost = (dataDir: string): Promise<BenchHost> =>
  forkBenchHost('local', settings(dataDir));

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** Batches of 100 events of ingest users (never a target), received now. */
function makeBatch(n: number): Buffer {
  const occurredAt = new Date().toISOString();
  const events = Array.from({ length: BATCH }, (_, i) => ({
    eventId: randomUUID(),
    userId: `ingest-${(n * BATCH + i) % 5000}`,
    type: i % 10 === 0 ? 'purchase' : 'page_view',
    occurredAt,
    ...(i % 10 === 0 ? { amount: 20 + i } : {}),
    properties: { device: i % 3 ? 'mobile' : 'desktop', path: `/products/${i}` },
  }));
  return Buffer.from(JSON.stringify({ events }));
}

/** `requests` bodies with CONCURRENCY in flight. */
async function load(port: number, requests: number): Promise<void> {
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (n < requests) {
        const status = await postEvents(port, makeBatch(n++), agent);
        if (status !== 202) throw new Error(`POST /api/events: status ${status}`);
      }
    }),
  );
}

/** One cycle of ingest: `events` posted (accepted), then the queue drained (stored). */
interface Cycle {
  start: number;
  accepted: number;
  stored: number;
}

async function cycle(host: BenchHost, events: number): Promise<Cycle> {
  const start = performance.now();
  await load(host.port, events / BATCH);
  const accepted = performance.now();
  await host.drain();
  return { start, accepted, stored: performance.now() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summary(cycles: readonly Cycle[], events: number): IngestPhase {
  return {
    cycles: cycles.length,
    events: cycles.length * events,
    acceptedPerSecond: median(cycles.map((c) => events / ((c.accepted - c.start) / 1000))),
    storedPerSecond: median(cycles.map((c) => events / ((c.stored - c.start) / 1000))),
  };
}

/** Cycles for `seconds` (at least three), or `count` cycles. */
async function cyclesFor(
  host: BenchHost,
  until: { seconds: number } | { count: number },
  events: number,
): Promise<IngestPhase> {
  const cycles: Cycle[] = [];
  const from = performance.now();
  const more =
    'count' in until
      ? () => cycles.length < until.count
      : () => cycles.length < 3 || performance.now() - from < until.seconds * 1000;
  while (more()) cycles.push(await cycle(host, events));
  return summary(cycles, events);
}

async function ingestBesideDeletion(
  dataDir: string,
  target: DeletionStore['targets'][number],
  options: { seconds: number; cycleEvents: number },
): Promise<NonNullable<DeletionBench['ingest']>> {
  const root = appRoot();
  const bin = join(root, 'bin', 'event-scoring.js');
  // The bin rebuilds dist/ when a source is newer: before the host is forked from it.
  const built = spawnSync(process.execPath, [bin, '--help'], { cwd: root });
  if (built.status !== 0) throw new Error(`event-scoring --help: ${String(built.stderr)}`);
  const idsFile = join(dataDir, 'bench-delete-ids.txt');
  writeFileSync(idsFile, `${target.userId}\n`);
  const events = options.cycleEvents;
  const host = await startHost(dataDir);
  try {
    await cycle(host, 20 * BATCH); // warm-up
    // The store's write rate drifts down as it grows (about a third over 400,000 events measured
    // without any deletion): before and after, the same number of cycles, bracket the deletion.
    const before = await cyclesFor(host, { seconds: options.seconds }, events);

    const child = spawn(process.execPath, [bin, 'delete', '--file', idsFile], {
      cwd: root,
      env: { ...process.env, ...deleting(dataDir) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Its progress lines (`<id> running next=<step> …`) time its steps as they arrive.
    let running: number | undefined;
    let steps: ReturnType<typeof stepClock> | undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    child.stderr.on('data', (c: Buffer) => {
      const now = performance.now();
      const lines = (stderr.slice(stderr.lastIndexOf('\n') + 1) + String(c)).split('\n');
      stderr += String(c);
      for (const line of lines.slice(0, -1)) {
        const m = / (running|done|failed) next=(\w+)/.exec(line);
        if (!m) continue;
        running ??= now;
        steps ??= stepClock(m[2] as DeletionStep, now);
        steps.note(m[2] as DeletionStep, now);
      }
    });
    let stopped: number | undefined;
    const exit = new Promise<number>((resolve) =>
      child.once('exit', (code) => {
        stopped = performance.now();
        resolve(code ?? 1);
      }),
    );
    const spawned = performance.now();
    const cycles: Cycle[] = [];
    while (stopped === undefined) cycles.push(await cycle(host, events));
    const code = await exit;
    steps?.end(stopped);
    if (code !== 0)
      throw new Error(`event-scoring delete exited with ${code}: ${stderr.slice(-2000)}`);
    const last = stdout.trim().split('\n').at(-1) ?? '{}';
    const view = JSON.parse(last) as { state: string; removed: DeletionRemoved };
    if (view.state !== 'done') throw new Error(`event-scoring delete: ${last}`);
    // The cycles that ran mostly while the deletion did (all of them when none did: a tiny run).
    const from = running ?? spawned;
    const to = stopped;
    const overlap = (c: Cycle) => Math.min(c.stored, to) - Math.max(c.start, from);
    const inside = cycles.filter((c) => overlap(c) > (c.stored - c.start) / 2);
    const during = summary(inside.length > 0 ? inside : cycles, events);

    const after = await cyclesFor(host, { count: before.cycles }, events);
    const mean = (a: number, b: number) => (a + b) / 2;
    return {
      cycleEvents: events,
      before,
      during,
      after,
      acceptedRatio:
        during.acceptedPerSecond / mean(before.acceptedPerSecond, after.acceptedPerSecond),
      storedRatio: during.storedPerSecond / mean(before.storedPerSecond, after.storedPerSecond),
      deletionSeconds: (to - from) / 1000,
      deletionStepMs: steps?.ms ?? {},
      deletionRemoved: view.removed,
      remainingDocuments: countDocuments(dataDir, target.ids),
    };
  } finally {
    await host.stop();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const stepList = (ms: Partial<Record<DeletionStep, number>>) =>
  (Object.entries(ms) as [DeletionStep, number][])
    .map(([step, t]) => `${step === 'finished' ? 'finish' : step} ${(t / 1000).toFixed(2)} s`)
    .join(', ');

export function formatDeletionBench(b: DeletionBench): string {
  const d = b.deletion;
  const steps = stepList(d.stepMs);
  const lines = [
    `Deletion of one person with ${fmt(b.store.targets[0]!.documents)} events (3 linked ids) from an embedded store of ${fmt(b.store.events)} events ` +
      `(${fmt(b.store.users)} users, ${fmt(b.store.links)} identity links, ${fmt(b.store.archiveObjects)} archive objects):`,
    `  building the data set (not part of the figure): ${b.buildSeconds.toFixed(1)} s (store writes ${b.store.storeSeconds.toFixed(1)} s, archive ${b.store.archiveSeconds.toFixed(1)} s)`,
    `  deletion alone, request + run in one process: ${d.seconds.toFixed(1)} s (request ${d.requestMs.toFixed(0)} ms; ${steps})`,
    `    removed ${fmt(d.removed.documents)} documents, ${d.removed.identityLinks} links, ${d.removed.profiles} profiles, ` +
      `${fmt(d.removed.archiveLines)} archive lines; ${d.removed.storeRequests} store transactions, ${d.ledgerSaves} ledger saves; ` +
      `${fmt(d.archiveObjectsWritten)} archive objects rewritten (${fmt(d.removed.archiveObjects)} counted by the archive), ` +
      `${mib(d.archiveBytesWritten)} written of ${mib(d.archiveBytesBefore)}; ${d.remainingDocuments} of the person's documents left`,
  ];
  const i = b.ingest;
  if (i) {
    const p = (x: IngestPhase) =>
      `${fmt(x.acceptedPerSecond)} accepted/s, ${fmt(x.storedPerSecond)} stored/s (median of ${x.cycles} cycles)`;
    lines.push(
      `  ingest on a local host over that store, in cycles of ${fmt(i.cycleEvents)} events (batches of ${BATCH}, ${CONCURRENCY} in flight, then until the scorer stored them):`,
      `    without a deletion, before  ${p(i.before)}`,
      `    while \`event-scoring delete\` deletes a second such person in another process ${p(i.during)}`,
      `      (that deletion: ${i.deletionSeconds.toFixed(1)} s; ${stepList(i.deletionStepMs)})`,
      `    without a deletion, after   ${p(i.after)}`,
      `    ratio during / without: accepted ${i.acceptedRatio.toFixed(2)}, stored ${i.storedRatio.toFixed(2)}; ` +
        `the second deletion removed ${fmt(i.deletionRemoved.documents)} documents, ${i.remainingDocuments} left`,
    );
  }
  return lines.join('\n');
}

/** The options of `npm run bench` for this part: --deletion-events=N, --deletion-target-events=N. */
export function deletionBenchOptions(argv: readonly string[]): DeletionBenchOptions {
  const arg = (name: string) =>
    /=(\d+)$/.exec(argv.find((a) => a.startsWith(`--${name}=`)) ?? '')?.[1];
  const events = arg('deletion-events');
  const targetEvents = arg('deletion-target-events');
  return {
    ...(events !== undefined && { events: Number(events) }),
    ...(targetEvents !== undefined && { targetEvents: Number(targetEvents) }),
  };
}
