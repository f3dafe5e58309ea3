import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createSqliteKeyStore } from '../../src/adapters/sqlite/sqliteKeyStore.js';
import { createKey } from '../../src/core/access/manageKeys.js';
import { forkBenchHost, postEvents } from './benchHost.js';

/**
 * Ingest through the local host with an API key and rate limiting on, beside the same host open
 * (no key, no limits): alternating rounds, medians, in one run. Limits are set far above the load
 * so every request pays for the check and the take without being refused.
 */
const BATCH = 100;
const CONCURRENCY = 16;

function makeBatch(day: string): Buffer {
  const events = Array.from({ length: BATCH }, (_, i) => ({
    eventId: randomUUID(),
    userId: `user-${i % 500}`,
    type: i % 10 === 0 ? 'purchase' : 'page_view',
    occurredAt: `${day}T${String(8 + (i % 12)).padStart(2, '0')}:15:00Z`,
    properties: { device: i % 3 ? 'mobile' : 'desktop' },
  }));
  return Buffer.from(JSON.stringify({ events }));
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

async function load(port: number, bodies: Buffer[], key?: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const status = await postEvents(
          port,
          bodies[next++]!,
          agent,
          key ? { authorization: `Bearer ${key}` } : {},
        );
        if (status !== 202) throw new Error(`status ${status}`);
      }
    }),
  );
  return (bodies.length * BATCH) / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface KeysIngestBench {
  open: number;
  keyed: number;
  ratio: number;
  ratios: number[];
  rounds: number;
  requests: number;
}

export async function benchKeysIngest(options: {
  rounds: number;
  requests: number;
}): Promise<KeysIngestBench> {
  const openDir = mkdtempSync(join(tmpdir(), 'bench-open-'));
  const keyedDir = mkdtempSync(join(tmpdir(), 'bench-keyed-'));
  const store = createSqliteKeyStore(join(keyedDir, 'store.db'));
  const created = await createKey(
    { store, now: Date.now, randomBytes },
    { scope: 'write', name: 'bench', ratePerSecond: 100_000_000, burst: 100_000_000 },
  );
  await store.close();
  if (!created.ok) throw new Error(created.message);
  const key = created.value.key;
  const open = await forkBenchHost('local', { DATA_DIR: openDir });
  const keyed = await forkBenchHost('local', { DATA_DIR: keyedDir });
  try {
    // Yesterday: its 08:00-19:00 events are never ahead of the clock, whatever the time now.
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const bodies = Array.from({ length: options.requests }, () => makeBatch(day));
    await load(open.port, bodies.slice(0, 50));
    await load(keyed.port, bodies.slice(0, 50), key);
    const openRates: number[] = [];
    const keyedRates: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const order = r % 2 === 0 ? (['open', 'keyed'] as const) : (['keyed', 'open'] as const);
      const rates = { open: 0, keyed: 0 };
      for (const which of order) {
        const server = which === 'open' ? open : keyed;
        rates[which] = await load(server.port, bodies, which === 'keyed' ? key : undefined);
        await server.drain();
      }
      openRates.push(rates.open);
      keyedRates.push(rates.keyed);
      ratios.push(rates.keyed / rates.open);
    }
    return {
      open: median(openRates),
      keyed: median(keyedRates),
      ratio: median(ratios),
      ratios,
      ...options,
    };
  } finally {
    await Promise.all([open.stop(), keyed.stop()]);
    rmSync(openDir, { recursive: true, force: true });
    rmSync(keyedDir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatKeysBench(b: KeysIngestBench): string {
  return (
    `Ingest with an API key and rate limiting, beside the open host (${b.rounds} rounds of ${fmt(b.requests * BATCH)} events, medians):\n` +
    `  open (no key, no limits)   ${fmt(b.open)} events/s\n` +
    `  key + rate limit           ${fmt(b.keyed)} events/s\n` +
    `  ratio                      ${b.ratio.toFixed(3)} (goal >= 0.95; per round ${b.ratios.map((r) => r.toFixed(2)).join(' ')})`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 3);
  const requests = Number(process.argv[3] ?? 100);
  console.log(formatKeysBench(await benchKeysIngest({ rounds, requests })));
}
