import { randomUUID } from 'node:crypto';

import azf from '@azure/functions';

import type { ClaimedMessage } from '../adapters/sqlite/sqliteQueue.js';
import type { QueueHandler } from '../app.js';
import type { DeadLetterSink } from '../ports.js';

export type ProcessMessages = (messages: readonly ClaimedMessage[]) => Promise<void>;

/**
 * Plays the Service Bus trigger for messages of the embedded queue: unpacks each message's events,
 * sets aside a message that is not a JSON array of events, and calls the scorer handler with the
 * events and the trigger metadata the host would give. Rejects when the batch must be retried.
 */
export function createMessageScorer(
  handler: QueueHandler,
  deps: { deadLetters: DeadLetterSink },
): ProcessMessages {
  return async (messages) => {
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
    if (bodies.length === 0) return;
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
