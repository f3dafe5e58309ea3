import type { AddressInfo } from 'node:net';

import type { Config } from '../config.js';
import { corsPolicyFor, corsResponseHeaders } from '../core/cors/corsPolicy.js';
import { bindHttpFunction } from '../functions/bindHttpFunction.js';
import { functionTable } from '../functionTable.js';
import { isHttpFunction, isTimerFunction, type QueueFunction } from '../functionTypes.js';
import type { Access, Logger, Telemetry } from '../ports/index.js';
import { type Built, createDeps } from '../wiring/createDeps.js';
import { createMessageScorer } from './createMessageScorer.js';
import { createHttpHost } from './httpHost.js';
import { type QueueConsumer, startQueueConsumer } from './startQueueConsumer.js';
import { type ScorerWorker, startScorerWorker } from './startScorerWorker.js';
import { startTimers, type Timers } from './startTimers.js';

export interface LocalHost {
  url: string;
  deps: Built;
  /** Present when the queue is the embedded one. */
  consumer?: QueueConsumer;
  /** The table's timer functions (the Parquet compaction), when started with `timers`. */
  timers?: Timers;
  close(): Promise<void>;
}

/** npm start without the Functions host: the function table on node:http plus the scorer off the local queue. */
export async function startLocalHost(
  config: Config,
  base: {
    logger: Logger;
    telemetry: Telemetry;
    baseDir: string;
    host?: string;
    /** 'worker' runs the scorer on its own thread (npm start, from dist); 'inline' on this one (tests). */
    scorer?: 'inline' | 'worker';
    /** Replaces the access createDeps builds (tests: a fixed key table and a bucket they can empty). */
    access?: Access;
    /** Time to receive a whole request before a 408 (tests shorten it). */
    requestTimeoutMs?: number;
    /** Runs the table's timer functions on a schedule (npm start); tests run them by hand. */
    timers?: boolean | { firstRunMs: number };
  },
): Promise<LocalHost> {
  // prom-client is imported here, never by azure.ts: in Azure the figures go to Application Insights.
  const { createPromMetrics } = await import('../metrics/createPromMetrics.js');
  const metrics = createPromMetrics();
  const telemetry = metrics.wrap(base.telemetry);
  const deps = await createDeps(config, {
    ...base,
    telemetry,
    metrics,
    localQueueCheckpoints: base.scorer === 'worker' ? 'external' : 'auto',
  });
  if (base.access) deps.access = base.access;
  const localQueue = deps.localQueue;
  if (localQueue) metrics.observeQueue(() => localQueue.backlog());
  const http = functionTable.filter(isHttpFunction);
  const server = createHttpHost(
    http.map((definition) => ({ definition, handler: bindHttpFunction(definition, deps) })),
    base.logger,
    {
      requestTimeoutMs: base.requestTimeoutMs,
      browserCors: (origin) =>
        corsResponseHeaders(corsPolicyFor(config.CORS_ALLOWED_ORIGINS, true), origin),
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, base.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  let consumer: QueueConsumer | undefined;
  const scorer = functionTable.find(
    (f): f is QueueFunction => f.trigger.type === 'serviceBusQueue',
  );
  const options = {
    maxMessages: Math.max(1, Math.ceil(config.SCORER_BATCH_SIZE / 100)),
    lockMs: 60_000,
    idleMs: 500,
  };
  let worker: ScorerWorker | undefined;
  if (deps.localQueue && scorer) {
    if (base.scorer === 'worker') worker = await startScorerWorker(config, base.baseDir, telemetry);
    consumer = startQueueConsumer(
      deps.localQueue,
      worker?.process ?? createMessageScorer(scorer.create(deps), deps),
      deps,
      options,
    );
  }
  const timers = base.timers
    ? startTimers(
        functionTable.filter(isTimerFunction),
        deps,
        typeof base.timers === 'object' ? base.timers : {},
      )
    : undefined;
  return {
    url: `http://${base.host ?? '127.0.0.1'}:${port}`,
    deps,
    consumer,
    timers,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await timers?.stop();
      await consumer?.stop();
      await worker?.stop();
      await deps.close();
    },
  };
}
