import type { SqliteQueue } from '../adapters/sqlite/sqliteQueue.js';
import type { Logger, ModelSource } from '../ports/index.js';
import type { ProcessMessages } from './createMessageScorer.js';

export interface ConsumerOptions {
  /** Messages leased per round; each carries up to 1,000 events. */
  maxMessages: number;
  lockMs: number;
  idleMs: number;
}

export interface QueueConsumer {
  /** Resolves when every message visible now has been handled (for tests and the bench). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The embedded queue's receive loop: leases messages while a valid model is loaded and hands them to
 * `process` (createMessageScorer, here or on the scorer thread). A rejection abandons the lease
 * (redelivery, then the poison table); success deletes the messages.
 */
export function startQueueConsumer(
  queue: SqliteQueue,
  process: ProcessMessages,
  deps: { models: ModelSource; logger: Logger },
  options: ConsumerOptions,
): QueueConsumer {
  let stopped = false;
  let wake: (() => void) | undefined;
  const onMessage = () => wake?.();
  queue.events.on('message', onMessage);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function round(): Promise<number> {
    if (!deps.models.status().ok) return 0;
    const messages = queue.receive(options.maxMessages, options.lockMs);
    if (messages.length === 0) return 0;
    try {
      await process(messages);
      queue.complete(messages.map((m) => m.id));
    } catch (err) {
      const reason = (err as Error).message;
      deps.logger.warn(
        `scorer: batch of ${messages.length} messages failed, will retry: ${reason}`,
      );
      queue.abandon(messages, reason);
    }
    return messages.length;
  }

  let idle: (() => void)[] = [];
  const loop = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await round();
      } catch (err) {
        deps.logger.error(`scorer loop: ${(err as Error).message}`);
      }
      if (handled === 0) {
        idle.forEach((resolve) => resolve());
        idle = [];
        if (!stopped) await sleep(options.idleMs);
      }
    }
  })();

  return {
    drain: () =>
      new Promise<void>((resolve) => {
        idle.push(resolve);
        wake?.();
      }),
    async stop() {
      stopped = true;
      wake?.();
      queue.events.off('message', onMessage);
      await loop;
    },
  };
}
