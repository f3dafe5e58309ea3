import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The compatibility routes in npm run bench: the same 100 events per request sent as a posthog-js
 * batch (gzip, text/plain, to /e/), as an analytics.js batch (text/plain, to /v1/b) and as our own
 * batch (POST /api/events), each against the real local host in its own process, in one run. The
 * events carry what the browser libraries send (context, nested properties), so the figure is the
 * mapping's cost as users meet it. BENCH_COMPAT_REQUESTS sets the requests per route.
 */
const BATCH = 100;
const CONCURRENCY = 8;
const serverScript = fileURLToPath(new URL('../benchServer.js', import.meta.url));

type Route = 'api/events' | 'e/' | 'v1/b';

interface Logical {
  id: string;
  user: string;
  name: string;
  at: string;
  props: Record<string, unknown>;
}

function logicalBatch(seq: number): Logical[] {
  const at = new Date(Date.now() - 60_000).toISOString();
  return Array.from({ length: BATCH }, (_, i) => ({
    id: randomUUID(),
    user: `user-${(seq * BATCH + i) % 5000}`,
    name: i % 10 === 0 ? 'Order Completed' : 'Product Viewed',
    at,
    props: {
      sku: `sku-${i % 37}`,
      price: 10 + (i % 50),
      cart: {
        items: [{ sku: `sku-${i % 37}`, qty: 1 + (i % 3) }],
        coupon: i % 7 === 0 ? 'WELCOME' : null,
      },
    },
  }));
}

const page = {
  $current_url: 'https://shop.example/products/42?utm_source=newsletter',
  $host: 'shop.example',
  $pathname: '/products/42',
  $browser: 'Chrome',
  $browser_version: 131,
  $os: 'Linux',
  $device_type: 'Desktop',
  $screen_height: 1080,
  $screen_width: 1920,
  $lib: 'web',
  $lib_version: '1.449.2',
  $referrer: '$direct',
  $session_id: '01a2431d-0000-7000-8000-000000000001',
  $window_id: '01a2431d-0000-7000-8000-000000000002',
  utm_source: 'newsletter',
};

/** One request's body and headers for a route, from the same logical events. */
function render(
  route: Route,
  events: Logical[],
): { body: Buffer; headers: Record<string, string> } {
  if (route === 'api/events') {
    const body = {
      events: events.map((e) => ({
        eventId: e.id,
        userId: e.user,
        type: e.name === 'Order Completed' ? 'order_completed' : 'product_viewed',
        occurredAt: e.at,
        properties: e.props,
      })),
    };
    return {
      body: Buffer.from(JSON.stringify(body)),
      headers: { 'content-type': 'application/json' },
    };
  }
  if (route === 'e/') {
    const body = {
      api_key: 'phc_bench',
      sent_at: new Date().toISOString(),
      batch: events.map((e) => ({
        uuid: e.id,
        event: e.name,
        distinct_id: e.user,
        timestamp: e.at,
        properties: { ...page, ...e.props, distinct_id: e.user, token: 'phc_bench' },
      })),
    };
    return { body: gzipSync(JSON.stringify(body)), headers: { 'content-type': 'text/plain' } };
  }
  const body = {
    writeKey: 'wk_bench',
    sentAt: new Date().toISOString(),
    batch: events.map((e) => ({
      type: 'track',
      event: e.name,
      messageId: `ajs-next-${e.id}`,
      anonymousId: e.id,
      userId: e.user,
      timestamp: e.at,
      properties: e.props,
      integrations: {},
      context: {
        page: {
          path: '/products/42',
          referrer: '',
          search: '',
          title: 'Shop',
          url: 'https://shop.example/products/42',
        },
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36',
        locale: 'en-US',
        library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
        campaign: { source: 'newsletter' },
      },
    })),
  };
  return { body: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'text/plain' } };
}

function post(
  port: number,
  agent: Agent,
  route: Route,
  r: ReturnType<typeof render>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/${route}`,
        method: 'POST',
        agent,
        headers: { ...r.headers, 'content-length': r.body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

async function startLocal(dataDir: string) {
  const child = fork(serverScript, ['local'], {
    env: { ...process.env, DATA_DIR: dataDir, BENCH_SCORER: 'worker' },
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`local server exited with ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface CompatBenchRow {
  route: string;
  requests: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  bodyBytes: number;
}

/** Runs `requests` batches of 100 through each route, one fresh local host per route. */
export async function benchCompat(requests: number): Promise<CompatBenchRow[]> {
  const rows: CompatBenchRow[] = [];
  const batches = Array.from({ length: requests }, (_, i) => logicalBatch(i));
  for (const route of ['api/events', 'e/', 'v1/b'] as const) {
    const bodies = batches.map((b) => render(route, b));
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-compat-'));
    const server = await startLocal(dataDir);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    try {
      // Warm-up: the first requests open SQLite, compile the mapper.
      for (let i = 0; i < 5; i++)
        await post(server.port, agent, route, render(route, logicalBatch(-1 - i)));
      const latencies: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < bodies.length; i = next++) {
            const t = performance.now();
            const status = await post(server.port, agent, route, bodies[i]!);
            latencies.push(performance.now() - t);
            if (status >= 300) throw new Error(`${route}: status ${status}`);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      rows.push({
        route:
          route === 'api/events'
            ? 'POST /api/events'
            : route === 'e/'
              ? 'POST /e/ (posthog-js, gzip)'
              : 'POST /v1/b (analytics.js)',
        requests,
        eventsPerSecond: Math.round((requests * BATCH) / seconds),
        p50Ms: Math.round(latencies[Math.floor(latencies.length * 0.5)]! * 10) / 10,
        p99Ms:
          Math.round(
            latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]! * 10,
          ) / 10,
        bodyBytes: Math.round(bodies.reduce((s, b) => s + b.body.length, 0) / bodies.length),
      });
    } finally {
      agent.destroy();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return rows;
}

export function formatCompatBench(rows: CompatBenchRow[]): string {
  const lines = [
    `Compatibility routes, batches of ${BATCH} events, ${CONCURRENCY} connections, same events on each route:`,
    '| route | requests | events/s | p50 ms | p99 ms | body bytes |',
    '| --- | --: | --: | --: | --: | --: |',
    ...rows.map(
      (r) =>
        `| ${r.route} | ${r.requests} | ${r.eventsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.bodyBytes} |`,
    ),
  ];
  return lines.join('\n');
}

/** `node dist/scripts/bench/compat.js [requests]`: this part alone. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const requests = Number(process.argv[2] ?? process.env.BENCH_COMPAT_REQUESTS ?? 300);
  console.log(formatCompatBench(await benchCompat(requests)));
}
