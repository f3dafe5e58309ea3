import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

import type { ClaimedMessage } from '../adapters/sqlite/sqliteQueue.js';
import { functionTable, type QueueFunction } from '../app.js';
import type { Config } from '../config.js';
import { createDeps } from '../createDeps.js';
import { createJsonLogger } from '../logging/jsonLogger.js';
import type { Telemetry, TelemetryContext, TelemetryProperties } from '../ports.js';
import { createMessageScorer } from './scoreMessages.js';

/** A telemetry call made on this thread, replayed on the main one (its metrics registry and App Insights client). */
export type TelemetryCall =
  | {
      kind: 'metric';
      name: string;
      value: number;
      properties?: TelemetryProperties | undefined;
      context?: TelemetryContext | undefined;
    }
  | {
      kind: 'event';
      name: string;
      properties?: TelemetryProperties | undefined;
      context?: TelemetryContext | undefined;
    };

export type ToWorker =
  { type: 'invoke'; id: number; messages: ClaimedMessage[] } | { type: 'stop' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'telemetry'; call: TelemetryCall }
  | { type: 'result'; id: number; error?: string }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

export interface ScorerWorkerData {
  config: Config;
  baseDir: string;
}

// The scorer function of `npm start` on its own thread, so unpacking, scoring and store writes use
// the second core. Like a Functions worker it only runs the handler: the main thread owns the queue
// and hands it leased messages as they are, so the two never contend for the queue file's write lock.
const port = parentPort!;
lowerThreadPriority();
const { config, baseDir } = workerData as ScorerWorkerData;
// The main thread already reported what it loaded; the worker speaks only of problems.
const logger = {
  ...createJsonLogger({ level: config.LOG_LEVEL, fields: { thread: 'scorer' } }),
  info: () => undefined,
};
const send = (call: TelemetryCall) =>
  port.postMessage({ type: 'telemetry', call } satisfies FromWorker);
const telemetry: Telemetry = {
  trackMetric: (name, value, properties, context) =>
    send({ kind: 'metric', name, value, properties, context }),
  trackEvent: (name, properties, context) => send({ kind: 'event', name, properties, context }),
};
try {
  const deps = await createDeps(config, { logger, telemetry, baseDir });
  const scorer = functionTable.find(
    (f): f is QueueFunction => f.trigger.type === 'serviceBusQueue',
  )!;
  const process = createMessageScorer(scorer.create(deps), deps);
  // The main thread commits without checkpointing; this thread keeps its WAL short.
  const checkpoints = setInterval(() => deps.localQueue?.checkpoint(), 500);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'invoke') {
      process(message.messages).then(
        () => port.postMessage({ type: 'result', id: message.id } satisfies FromWorker),
        (err: unknown) =>
          port.postMessage({
            type: 'result',
            id: message.id,
            error: (err as Error).message,
          } satisfies FromWorker),
      );
    } else {
      clearInterval(checkpoints);
      void deps.close().then(() => port.postMessage({ type: 'stopped' } satisfies FromWorker));
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
} catch (err) {
  port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromWorker);
}

/**
 * Scoring is background work: on Linux, where a thread has its own nice value, this thread yields
 * the CPU to the ingest thread when both want it, and catches up when ingest is idle.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid)) setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: run at normal priority.
  }
}
