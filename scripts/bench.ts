import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import { benchAnalytics } from './bench/analytics.js';
import { benchArchive, formatArchiveBench } from './bench/archive.js';
import { type BenchHost, forkBenchHost, postEvents } from './bench/benchHost.js';
import { benchKeyCheck } from './bench/benchKeyCheck.js';
import { benchKeysIngest, formatKeysBench } from './bench/benchKeysIngest.js';
import { benchCli, formatCliBench } from './bench/cli.js';
import { benchCompat, formatCompatBench } from './bench/compat.js';
import { benchCost, formatCostBench } from './bench/cost.js';
import { benchDeletion, deletionBenchOptions, formatDeletionBench } from './bench/deletion.js';
import { benchImport, formatImportBench } from './bench/import.js';
import { benchSql, formatSqlBench } from './bench/sql.js';
import { benchScoring } from './benchScoring.js';
import { benchStartup, formatStartupBench } from './benchStartup.js';

/**
 * npm run bench: figures for the README, measured side by side in one run on this machine.
 * Servers run in child processes; this process only generates load.
 */
const BATCH = 100;
const CONCURRENCY = 16;

function makeBatch(day: string, userOf: (i: number) => string): Buffer {
  const events = Array.from({ length: BATCH }, (_, i) => ({
    eventId: randomUUID(),
    userId: userOf(i),
    type: i % 10 === 0 ? 'purchase' : 'page_view',
    occurredAt: `${day}T${String(8 + (i % 12)).padStart(2, '0')}:15:00Z`,
    ...(i % 10 === 0 ? { amount: 20 + i } : {}),
    properties: { device: i % 3 ? 'mobile' : 'desktop', path: `/products/${i}` },
  }));
  return Buffer.from(JSON.stringify({ events }));
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** Sends `bodies` with CONCURRENCY requests in flight; returns events per second. */
async function load(port: number, bodies: Buffer[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const status = await postEvents(port, bodies[next++]!, agent);
        if (status !== 202) throw new Error(`status ${status}`);
      }
    }),
  );
  return (bodies.length * BATCH) / ((performance.now() - started) / 1000);
}

async function getJson<T>(port: number, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return (await res.json()) as T;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function ingestRatio(rounds: number, requests: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const bare = await forkBenchHost('bare');
  const local = await forkBenchHost('local', { DATA_DIR: dataDir });
  // Yesterday: its 08:00-19:00 events are never ahead of the clock, whatever the time now.
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const bodies = Array.from({ length: requests }, () => makeBatch(day, (i) => `user-${i % 500}`));
  const bareRates: number[] = [];
  const localRates: number[] = [];
  await load(bare.port, bodies.slice(0, 50));
  await load(local.port, bodies.slice(0, 50));
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so a slow moment of the machine does not always hit the same one.
    const order = r % 2 === 0 ? [bare, local] : [local, bare];
    const rates = new Map<BenchHost, number>();
    for (const server of order) {
      rates.set(server, await load(server.port, bodies));
      // The scorer's backlog is worked off before the next round, so it runs only in local rounds.
      await server.drain();
    }
    bareRates.push(rates.get(bare)!);
    localRates.push(rates.get(local)!);
    ratios.push(rates.get(local)! / rates.get(bare)!);
  }
  await Promise.all([bare.stop(), local.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
  return {
    bare: median(bareRates),
    local: median(localRates),
    ratio: median(ratios),
    ratios,
  };
}

async function endToEnd(total: number, scorer: 'worker' | 'inline') {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
  const local = await forkBenchHost('local', { DATA_DIR: dataDir, BENCH_SCORER: scorer });
  const day = '2026-01-15';
  let user = 0;
  const bodies = Array.from({ length: total / BATCH }, () => makeBatch(day, () => `e2e-${user++}`));
  const started = performance.now();
  const ingestRate = await load(local.port, bodies);
  const accepted = performance.now();
  for (;;) {
    const dau = await getJson<{ series: { activeUsers: number }[] }>(
      local.port,
      `/api/stats/dau?from=${day}&to=${day}`,
    );
    if (dau.series[0]!.activeUsers >= total) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const queryable = performance.now();
  const stats = await local.stats();
  await local.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    seconds: (queryable - started) / 1000,
    ingestSeconds: (accepted - started) / 1000,
    ingestRate,
    requestsPerEvent: stats.storeRequests / stats.storedDocuments,
    scoringShare: stats.scoringMs / (stats.scoringMs + stats.storeWriteMs),
    storeRequests: stats.storeRequests,
  };
}

// npm run bench -- cost: only the cost per million events (rewrites its table in docs/deploy.md and the README figure).
if (process.argv.slice(2).includes('cost')) {
  console.log(formatCostBench(await benchCost()));
  process.exit(0);
}
console.log(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
// npm run bench -- --only=cli: one part alone.
const only = /--only=(\w+)/.exec(process.argv.join(' '))?.[1];
if (only === 'cli') {
  console.log(formatCliBench(await benchCli()));
  process.exit(0);
}
// npm run bench -- --only=deletion [--deletion-events=100000] [--deletion-target-events=1000]
if (only === 'deletion') {
  console.log(formatDeletionBench(await benchDeletion(deletionBenchOptions(process.argv))));
  process.exit(0);
}
console.log(formatCliBench(await benchCli()));
const ingest = await ingestRatio(7, 600);
console.log(
  `Ingest, batches of ${BATCH}, ${CONCURRENCY} in flight (7 rounds of 60,000 events each, medians):\n` +
    `  bare node:http JSON parse  ${fmt(ingest.bare)} events/s\n` +
    `  local host ingest          ${fmt(ingest.local)} events/s\n` +
    `  ratio                      ${ingest.ratio.toFixed(2)} (goal >= 0.60; per round ${ingest.ratios.map((r) => r.toFixed(2)).join(' ')})`,
);
{
  const keys = await benchKeysIngest({ rounds: 7, requests: 600 });
  console.log(formatKeysBench(keys));
  const checkUs = await benchKeyCheck();
  const requestUs = (1_000_000 * 100) / keys.open;
  console.log(
    `  key check alone (authenticate a cached key + take 100 tokens, in process): ${checkUs.toFixed(1)} µs per request = ${((100 * checkUs) / requestUs).toFixed(1)} % of an open request's ${requestUs.toFixed(0)} µs`,
  );
}
const e2e = await endToEnd(100_000, 'worker');
console.log(
  `100,000 events POST -> queryable (embedded queue + SQLite store, scorer thread): ${e2e.seconds.toFixed(1)} s ` +
    `(all accepted after ${e2e.ingestSeconds.toFixed(1)} s, ${fmt(e2e.ingestRate)} events/s while the scorer ran)`,
);
console.log(await benchAnalytics({ e2eSeconds: e2e.seconds }));
// The scorer thread keeps its own counters; the inline scorer's are visible here, so requests per event are counted on it.
const counted = await endToEnd(20_000, 'inline');
console.log(
  `Store requests per event (20,000 events, inline scorer): ${counted.requestsPerEvent.toFixed(4)} ` +
    `(${fmt(counted.storeRequests)} write transactions)\n` +
    `  scorer time: ${(counted.scoringShare * 100).toFixed(0)}% scoring, ${((1 - counted.scoringShare) * 100).toFixed(0)}% store writes`,
);
const scoring = benchScoring();
console.log(
  `Scoring, ${scoring.features}-column model, one thread: ${fmt(scoring.logitEventsPerSecond)} events/s ` +
    `(features + dot product), ${fmt(scoring.eventsPerSecond)} events/s with reasons (goal >= 2,000,000)`,
);
console.log(formatStartupBench(await benchStartup({ runs: 7 })));
console.log(formatArchiveBench(await benchArchive()));
console.log(formatCompatBench(await benchCompat(Number(process.env.BENCH_COMPAT_REQUESTS ?? 300))));
// npm run bench -- --import-rows=100000 for a smaller import.
console.log(
  formatImportBench(
    await benchImport(Number(/--import-rows=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 1_000_000)),
  ),
);
console.log(formatCostBench(await benchCost()));
// npm run bench -- --sql-events=100000 for a smaller SQL data set (npm run bench:sql runs it alone).
console.log(
  formatSqlBench(
    await benchSql(Number(/--sql-events=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 1_000_000), 90),
  ),
);
// npm run bench -- --deletion-events=100000 for a smaller store (issue 16: one person of 10,000 events).
console.log(formatDeletionBench(await benchDeletion(deletionBenchOptions(process.argv))));
