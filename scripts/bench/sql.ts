import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { createFolderArchive } from '../../src/adapters/archive/folderArchive.js';
import { createDuckDbParquetWriter } from '../../src/adapters/duckdb/duckdbParquetWriter.js';
import { createDuckDbSqlEngine } from '../../src/adapters/duckdb/duckdbSqlEngine.js';
import { createFolderEventFiles } from '../../src/adapters/eventFiles/folderEventFiles.js';
import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import { toArchivedEvent } from '../../src/core/archive/archivedEvent.js';
import type { ScoredEvent } from '../../src/core/event.js';
import { addDays, utcDay } from '../../src/core/time/calendarDay.js';
import { compactEvents } from '../../src/sql/compactEvents.js';

export interface SqlBench {
  events: number;
  days: number;
  compactionEventsPerSecond: number;
  parquetBytesPerMillion: number;
  archiveGzipBytesPerMillion: number;
  funnel30dMs: { median: number; runs: number[] };
  breakdownMs: { median: number; runs: number[] };
  /** Highest resident set size of this process while the queries ran, in MiB. */
  peakRssMiB: number;
}

const TYPES = ['view', 'add_to_cart', 'checkout', 'purchase'];
const PLANS = ['free', 'pro', 'team'];
const COUNTRIES = ['fr', 'de', 'us', 'jp', 'br'];

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const example = (name: string) => {
  const m = new RegExp(`\`\`\`sql\\n-- example: ${name}\\n([\\s\\S]*?)\`\`\``).exec(
    readFileSync(README, 'utf8'),
  );
  if (!m) throw new Error(`README has no example ${name}`);
  return m[1]!;
};

const bytesUnder = (dir: string, suffix: string): number =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);

const ARCHIVE_SAMPLE = 100_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The SQL figures: `events` scored documents over `days` days (users doing view → add to cart →
 * checkout → purchase with gaps) stored in the embedded store, compacted to Parquet, the same
 * documents archived as gzip NDJSON, then the README funnel over the last 30 days and a breakdown
 * by two properties over all days, each run `runs` times on a fresh engine (the files cached by
 * the OS after the first).
 */
export async function benchSql(events = 100_000, days = 90, runs = 5): Promise<SqlBench> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-sql-'));
  try {
    const store = createSqliteStore(join(dir, 'store.db'));
    const archive = createFolderArchive(join(dir, 'archive'));
    const start = '2026-01-01';
    const users = Math.max(1, Math.floor(events / 25));
    let s = 7;
    const next = () => {
      s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6b43a9b5) >>> 0;
      return s / 2 ** 32;
    };
    const scoredAt = new Date().toISOString();
    for (let written = 0; written < events;) {
      const batch: ScoredEvent[] = [];
      for (let i = 0; i < 5000 && written < events; i++, written++) {
        const u = Math.floor(next() * users);
        const t =
          Date.parse(`${addDays(start, Math.floor(next() * days))}T00:00:00.000Z`) +
          Math.floor(next() * 86_400_000);
        const occurredAt = new Date(t).toISOString();
        const type = TYPES[Math.min(3, Math.floor(next() * next() * 5))]!;
        batch.push({
          eventId: randomUUID(),
          userId: `user-${u}`,
          type,
          occurredAt,
          receivedAt: occurredAt,
          amount: type === 'purchase' ? 5 + Math.floor(next() * 200) : undefined,
          properties: { plan: PLANS[u % 3]!, country: COUNTRIES[u % 5]!, page: `/p/${u % 40}` },
          source: 'bench',
          day: utcDay(occurredAt),
          score: next(),
          model: { name: 'bench', version: '1' },
          reasons: [{ feature: 'amount', contribution: 0.2 }],
          scoredAt,
        });
      }
      await store.write(batch);
      // The archive's bytes per event are measured on the first 100,000 events (1,000 per object,
      // as the scorer writes them): its fsync per object would otherwise dominate the bench's time.
      if (written <= ARCHIVE_SAMPLE)
        for (let i = 0; i < batch.length; i += 1000)
          await archive.append(batch.slice(i, i + 1000).map((d) => toArchivedEvent(d)));
    }

    const files = await createFolderEventFiles(join(dir, 'events'));
    const writer = await createDuckDbParquetWriter({ memoryLimit: '1GB' });
    const c0 = performance.now();
    const compacted = await compactEvents({
      store,
      files,
      writer,
      now: Date.now,
      newId: randomUUID,
    });
    const compactMs = performance.now() - c0;
    await writer.close();
    if (compacted.rows !== events) throw new Error(`compacted ${compacted.rows} of ${events}`);

    const limits = { timeoutMs: 120_000, memoryLimitMb: 1024, maxRows: 100_000, threads: 2 };
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const time = async (query: string, range: { from?: string; to?: string }) => {
      const out: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const answer = await createDuckDbSqlEngine(files, limits).run({ query, ...range });
        out.push(Math.round((performance.now() - t0) * 10) / 10);
        if (!answer.ok) throw new Error(`${answer.code}: ${answer.message}`);
      }
      return { median: median(out), runs: out };
    };
    const last = addDays(start, days - 1);
    const funnel30dMs = await time(example('funnel'), { from: addDays(last, -29), to: last });
    const breakdownMs = await time(
      `SELECT properties->>'$.plan' AS plan, properties->>'$.country' AS country, type,
         count(*) AS events, count(DISTINCT userId) AS users, sum(amount) AS revenue
       FROM events GROUP BY ALL ORDER BY events DESC`,
      {},
    );
    clearInterval(sampler);
    await store.close();
    await archive.close();
    const perMillion = (bytes: number) => Math.round((bytes / events) * 1_000_000);
    return {
      events,
      days,
      compactionEventsPerSecond: Math.round(events / (compactMs / 1000)),
      parquetBytesPerMillion: perMillion(bytesUnder(join(dir, 'events'), '.parquet')),
      archiveGzipBytesPerMillion: Math.round(
        (bytesUnder(join(dir, 'archive'), '.gz') / Math.min(events, ARCHIVE_SAMPLE)) * 1_000_000,
      ),
      funnel30dMs,
      breakdownMs,
      peakRssMiB: Math.round(peak / 2 ** 20),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatSqlBench(b: SqlBench): string {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  return [
    `SQL over ${b.events.toLocaleString('en')} events, ${b.days} days:`,
    `  compaction            ${b.compactionEventsPerSecond.toLocaleString('en')} events/s`,
    `  Parquet (zstd)        ${mib(b.parquetBytesPerMillion)} per million events`,
    `  archive (gzip NDJSON) ${mib(b.archiveGzipBytesPerMillion)} per million events (from the first 100,000)`,
    `  funnel, 30 days       median ${b.funnel30dMs.median} ms (${b.funnel30dMs.runs.join(', ')})`,
    `  breakdown, 90 days    median ${b.breakdownMs.median} ms (${b.breakdownMs.runs.join(', ')})`,
    `  host RSS while answering: peak ${b.peakRssMiB} MiB`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '100000' },
      days: { type: 'string', default: '90' },
      runs: { type: 'string', default: '5' },
    },
  });
  const result = await benchSql(Number(values.events), Number(values.days), Number(values.runs));
  console.log(formatSqlBench(result));
}
