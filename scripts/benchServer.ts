import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { appRoot } from '../src/appRoot.js';
import { loadConfig } from '../src/config.js';
import { startLocalHost } from '../src/local/startLocalHost.js';
import type { Telemetry } from '../src/ports.js';

/**
 * A server for the bench, in its own process so the load generator does not share its CPU.
 * `bare`: node:http that only parses the JSON body. `local`: the real local host (ingest + scorer).
 * Prints {"port"} once listening; answers an IPC "stats" message with its counters.
 */
const mode = process.argv[2];
// Exit cleanly on a signal so --cpu-prof can write its profile.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
const counters = { storeRequests: 0, storedDocuments: 0, scoringMs: 0, storeWriteMs: 0 };

if (mode === 'bare') {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: unknown[] };
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: body.events.length }));
    });
  });
  server.listen(0, '127.0.0.1', () => report((server.address() as AddressInfo).port));
} else if (mode === 'local') {
  const loaded = loadConfig({ ...process.env, PORT: '0' }, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  const telemetry: Telemetry = {
    trackEvent: () => undefined,
    trackMetric: (name, value) => {
      if (name === 'StoreRequests') counters.storeRequests += value;
      if (name === 'StoredDocuments') counters.storedDocuments += value;
      if (name === 'ScoringMs') counters.scoringMs += value;
      if (name === 'StoreWriteMs') counters.storeWriteMs += value;
    },
  };
  const silent = {
    info: () => undefined,
    warn: () => undefined,
    error: (m: string) => console.error(m),
  };
  const host = await startLocalHost(loaded.config, {
    logger: silent,
    telemetry,
    baseDir: appRoot(),
    scorer: process.env.BENCH_SCORER === 'inline' ? 'inline' : 'worker',
  });
  report(Number(new URL(host.url).port), async () => {
    while (host.deps.localQueue && host.deps.localQueue.stats().pending > 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
  });
} else {
  throw new Error('usage: benchServer bare|local');
}

function report(port: number, drain: () => Promise<void> = async () => undefined) {
  process.send?.({ port });
  process.on('message', (m) => {
    if (m === 'stats') process.send?.({ stats: counters });
    if (m === 'drain') void drain().then(() => process.send?.({ drained: true }));
  });
}
