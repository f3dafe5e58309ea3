import type { AddressInfo } from 'node:net';
import { functionTable, isHttpFunction, type QueueFunction } from '../app.js';
import type { Config } from '../config.js';
import { createDeps, type Built } from '../createDeps.js';
import type { Logger, Telemetry } from '../ports.js';
import { createHttpHost } from './httpHost.js';
import { startQueueConsumer, type QueueConsumer } from './queueConsumer.js';

export interface LocalHost {
  url: string;
  deps: Built;
  /** Present when the queue is the embedded one. */
  consumer?: QueueConsumer;
  close(): Promise<void>;
}

/** npm start without the Functions host: the function table on node:http plus the scorer off the local queue. */
export async function startLocalHost(
  config: Config,
  base: { logger: Logger; telemetry: Telemetry; baseDir: string; host?: string },
): Promise<LocalHost> {
  const deps = await createDeps(config, base);
  const http = functionTable.filter(isHttpFunction);
  const server = createHttpHost(
    http.map((definition) => ({ definition, handler: definition.create(deps) })),
    base.logger,
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
  if (deps.localQueue && scorer) {
    consumer = startQueueConsumer(deps.localQueue, scorer.create(deps), deps, {
      maxMessages: Math.max(1, Math.ceil(config.SCORER_BATCH_SIZE / 100)),
      lockMs: 60_000,
      idleMs: 500,
    });
  }
  return {
    url: `http://${base.host ?? '127.0.0.1'}:${port}`,
    deps,
    consumer,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await consumer?.stop();
      await deps.close();
    },
  };
}
