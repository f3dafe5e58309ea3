import { randomUUID } from 'node:crypto';
import azf from '@azure/functions';
import type { QueueHandler } from '../app.js';
import type { ClaimedMessage, SqliteQueue } from '../adapters/sqlite/sqliteQueue.js';
import type { DeadLetterSink, Logger, ModelSource } from '../ports.js';

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
 * Plays the Service Bus trigger for the embedded queue: leases messages, unpacks their events and
 * calls the same scorer handler the Azure registration uses. A throw abandons the lease (redelivery,
 * then the poison table); success deletes the messages.
 */
export function startQueueConsumer(
  queue: SqliteQueue,
  handler: QueueHandler,
  deps: { models: ModelSource; logger: Logger; deadLetters: DeadLetterSink },
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
    const bodies: unknown[] = [];
    const messageIds: string[] = [];
    const deliveryCounts: number[] = [];
    const applicationProperties: Record<string, string>[] = [];
    const unreadable: ClaimedMessage[] = [];
    for (const message of messages) {
      const events = parseBody(message.body);
      if (events === undefined) {
        unreadable.push(message);
        continue;
      }
      for (const event of events) {
        bodies.push(event);
        messageIds.push(eventIdOf(event) ?? `${message.id}:${bodies.length}`);
        deliveryCounts.push(message.deliveries);
        applicationProperties.push(message.traceparent ? { traceparent: message.traceparent } : {});
      }
    }
    if (unreadable.length > 0) {
      await deps.deadLetters.put(
        unreadable.map((m) => ({
          key: `local-message-${m.id}`,
          reason: 'invalid_message: body is not a JSON array of events',
          body: m.body,
        })),
      );
    }
    const handled = messages.filter((m) => !unreadable.includes(m));
    try {
      if (bodies.length > 0) {
        const context = new azf.InvocationContext({
          invocationId: randomUUID(),
          functionName: 'scorer',
          triggerMetadata: {
            messageIdArray: messageIds,
            deliveryCountArray: deliveryCounts,
            applicationPropertiesArray: applicationProperties,
          },
          logHandler: () => undefined,
        });
        await handler(bodies, context);
      }
      queue.complete(messages.map((m) => m.id));
    } catch (err) {
      const reason = (err as Error).message;
      deps.logger.warn(`scorer: batch of ${bodies.length} events failed, will retry: ${reason}`);
      queue.abandon(handled, reason);
      queue.complete(unreadable.map((m) => m.id));
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

function parseBody(body: string): unknown[] | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function eventIdOf(event: unknown): string | undefined {
  return event &&
    typeof event === 'object' &&
    'eventId' in event &&
    typeof event.eventId === 'string'
    ? event.eventId
    : undefined;
}
