import { Worker } from 'node:worker_threads';

import type { Config } from '../config.js';
import type { Telemetry } from '../ports.js';
import type { ProcessMessages } from './scoreMessages.js';
import type { FromWorker, ScorerWorkerData, ToWorker } from './scorerWorker.js';

export interface ScorerWorker {
  /** Resolves when the messages' events are stored, rejects when the batch must be retried. */
  process: ProcessMessages;
  stop(): Promise<void>;
}

/** Starts scorerWorker.js and returns a handler that runs each batch there; its telemetry comes back to `telemetry`. */
export async function startScorerWorker(
  config: Config,
  baseDir: string,
  telemetry: Telemetry,
): Promise<ScorerWorker> {
  const worker = new Worker(new URL('./scorerWorker.js', import.meta.url), {
    workerData: { config, baseDir } satisfies ScorerWorkerData,
    execArgv: ['--disable-warning=ExperimentalWarning'],
  });
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let ready!: () => void;
  let failed!: (err: Error) => void;
  let stopped: (() => void) | undefined;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'telemetry') {
      const c = m.call;
      if (c.kind === 'metric') telemetry.trackMetric(c.name, c.value, c.properties, c.context);
      else telemetry.trackEvent(c.name, c.properties, c.context);
    } else if (m.type === 'ready') ready();
    else if (m.type === 'failed') failed(new Error(`scorer worker: ${m.message}`));
    else if (m.type === 'stopped') stopped?.();
    else {
      const call = pending.get(m.id);
      pending.delete(m.id);
      if (m.error === undefined) call?.resolve();
      else call?.reject(new Error(m.error));
    }
  });
  worker.on('error', (err) => {
    failed(err);
    for (const call of pending.values()) call.reject(err);
    pending.clear();
  });
  await started;
  let calls = 0;
  return {
    process: (messages) =>
      new Promise<void>((resolve, reject) => {
        const id = ++calls;
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'invoke', id, messages: [...messages] } satisfies ToWorker);
      }),
    async stop() {
      await new Promise<void>((resolve) => {
        stopped = resolve;
        worker.postMessage({ type: 'stop' } satisfies ToWorker);
      });
      await worker.terminate();
    },
  };
}
