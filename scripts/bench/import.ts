import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * npm run bench, import part: a seed-layout CSV of `rows` rows into the local host as npm start runs
 * it (built entry, scorer on its worker thread), timed from starting the importer to every event
 * queryable. Each row is its own user, so the DAU sum over the file's days counts stored events.
 */
const importScript = fileURLToPath(new URL('../import.js', import.meta.url));
const serverScript = fileURLToPath(new URL('../benchServer.js', import.meta.url));
const DAYS = 10;
/** As package.json's import script runs it: a small heap keeps the resident size flat. */
const IMPORT_FLAGS = [
  '--max-old-space-size=80',
  '--max-semi-space-size=8',
  '--disable-warning=ExperimentalWarning',
];
const day = (d: number) => `2026-10-${String(d + 1).padStart(2, '0')}`;

export interface ImportBench {
  rows: number;
  fileMb: number;
  dryRunSeconds: number;
  dryRunPeakRssMb: number;
  acceptedSeconds: number;
  storedWhenAccepted: number;
  queryableSeconds: number;
  importPeakRssMb: number;
}

async function writeSeedCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const types = ['page_view', 'page_view', 'page_view', 'add_to_cart', 'purchase'];
  out.write('event_id,occurred_at,user_id,event_type,properties_json\n');
  for (let i = 0; i < rows; i++) {
    const d = day(i % DAYS);
    const time = `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
    const line = `${randomUUID()},${d} ${time},imp-${i},${types[i % 5]},"{""device"":""${i % 3 ? 'mobile' : 'desktop'}"",""path"":""/p/${i % 100}""}"\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
}

/** Runs the importer as a child, sampling its peak resident memory (VmHWM) until it exits. */
async function runImporter(
  args: string[],
): Promise<{ code: number | null; seconds: number; peakMb: number; out: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...IMPORT_FLAGS, importScript, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.resume();
  let peakKb = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // The process has gone; the last sample stands.
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(timer);
  return { code, seconds: (performance.now() - started) / 1000, peakMb: peakKb / 1024, out };
}

async function startLocal(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(serverScript, ['local'], {
    env: { ...process.env, DATA_DIR: dataDir },
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((r, j) => {
    child.once('message', (m: { port: number }) => r(m.port));
    child.once('exit', (code) => j(new Error(`local host exited with ${code}`)));
  });
  return { child, port };
}

async function storedEvents(port: number): Promise<number> {
  const res = await fetch(
    `http://127.0.0.1:${port}/api/stats/dau?from=${day(0)}&to=${day(DAYS - 1)}`,
  );
  const body = (await res.json()) as { series: { activeUsers: number }[] };
  return body.series.reduce((n, d) => n + d.activeUsers, 0);
}

export async function benchImport(rows: number): Promise<ImportBench> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  try {
    const csv = join(dir, 'seed.csv');
    await writeSeedCsv(csv, rows);
    const dry = await runImporter([csv, '--dry-run']);
    if (dry.code !== 0) throw new Error(`dry run exited ${dry.code}: ${dry.out}`);

    const local = await startLocal(join(dir, 'data'));
    try {
      const started = performance.now();
      const run = await runImporter([
        csv,
        '--url',
        `http://127.0.0.1:${local.port}`,
        '--state',
        join(dir, 'state'),
      ]);
      if (run.code !== 0) throw new Error(`import exited ${run.code}: ${run.out}`);
      const accepted = performance.now();
      const storedWhenAccepted = await storedEvents(local.port);
      while ((await storedEvents(local.port)) < rows) await new Promise((r) => setTimeout(r, 200));
      const queryable = performance.now();
      return {
        rows,
        fileMb: statSync(csv).size / 1024 / 1024,
        dryRunSeconds: dry.seconds,
        dryRunPeakRssMb: dry.peakMb,
        acceptedSeconds: (accepted - started) / 1000,
        storedWhenAccepted,
        queryableSeconds: (queryable - started) / 1000,
        importPeakRssMb: run.peakMb,
      };
    } finally {
      local.child.kill('SIGTERM');
      await new Promise((r) => local.child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatImportBench(b: ImportBench): string {
  const lag = b.queryableSeconds - b.acceptedSeconds;
  return (
    `Import, ${fmt(b.rows)}-row seed-layout CSV (${b.fileMb.toFixed(0)} MB) -> npm start host: every event queryable after ${b.queryableSeconds.toFixed(1)} s (goal <= 60 s at 1,000,000)\n` +
    `  importer alone (--dry-run: read, parse, map, validate): ${b.dryRunSeconds.toFixed(1)} s, ${fmt(b.rows / b.dryRunSeconds)} rows/s, peak RSS ${b.dryRunPeakRssMb.toFixed(0)} MB\n` +
    `  HTTP ingest + queue: all accepted after ${b.acceptedSeconds.toFixed(1)} s (${fmt(b.rows / b.acceptedSeconds)} events/s), importer peak RSS ${b.importPeakRssMb.toFixed(0)} MB\n` +
    `  scorer + store: ${fmt(b.storedWhenAccepted)} stored by then (${fmt(b.storedWhenAccepted / b.acceptedSeconds)}/s beside ingest), the rest ${lag.toFixed(1)} s later (${fmt((b.rows - b.storedWhenAccepted) / Math.max(lag, 0.001))}/s alone)`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.log(formatImportBench(await benchImport(Number(process.argv[2] ?? 100_000))));
}
