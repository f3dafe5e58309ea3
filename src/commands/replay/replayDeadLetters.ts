import type { Container } from '@azure/cosmos';
import type { ServiceBusMessage, ServiceBusReceiver, ServiceBusSender } from '@azure/service-bus';

import { toServiceBusMessage } from '../../adapters/servicebus/toServiceBusMessage.js';
import { acceptedEventSchema } from '../../core/event.js';

/**
 * The id a re-sent message gets. Service Bus duplicate detection drops a message whose id it saw
 * within the window (10 minutes here), and a dead-lettered message's id was seen when it first
 * arrived: keeping it would lose a fix deployed quickly. The suffix is one per replay run, so a
 * send retried inside the run is still deduplicated; across runs the store's first-write-wins
 * write on eventId makes a second delivery harmless.
 */
export const replayMessageId = (original: string, runTag: string): string =>
  `${original.slice(0, 100)}.replay-${runTag}`;

export interface DeadLetterReplayTotals {
  resent: number;
  /** Left where they are: not an accepted event (their cause is in the data, not the code). */
  kept: number;
}

/**
 * Moves messages from the queue's dead-letter subqueue back to the queue: each is sent under a
 * new id, then completed (removed from the subqueue). A crash between the two re-sends it on the
 * next run, which the idempotent store absorbs. Stops when a receive comes back empty.
 */
export async function replayServiceBusDeadLetters(
  receiver: ServiceBusReceiver,
  sender: ServiceBusSender,
  options: { runTag: string; batch?: number; maxWaitMs?: number; onMessage?: () => void },
): Promise<DeadLetterReplayTotals> {
  let resent = 0;
  for (;;) {
    const received = await receiver.receiveMessages(options.batch ?? 100, {
      maxWaitTimeInMs: options.maxWaitMs ?? 2000,
    });
    if (received.length === 0) return { resent, kept: 0 };
    const copies: ServiceBusMessage[] = received.map((m) => ({
      body: m.body as unknown,
      contentType: m.contentType,
      applicationProperties: m.applicationProperties,
      messageId: replayMessageId(String(m.messageId ?? m.sequenceNumber), options.runTag),
    }));
    await sender.sendMessages(copies);
    for (const message of received) {
      await receiver.completeMessage(message);
      options.onMessage?.();
    }
    resent += received.length;
  }
}

interface StoredDeadLetter {
  id: string;
  day: string;
  reason: string;
  body: unknown;
}

/**
 * Re-sends the scorer's dead letters from the Cosmos DB `deadletters` container (documents
 * { id, day, reason, body }): a body that is an accepted event goes back to the queue under a new
 * message id and its document is deleted; any other body stays, counted as kept. Cost: one read of
 * every dead letter (a small container, expired by TTL; `day` narrows it to one partition) and a
 * point delete (about 6 RU) per re-sent one.
 */
export async function replayCosmosDeadLetters(
  container: Container,
  sender: ServiceBusSender,
  options: { runTag: string; day?: string; onItem?: () => void },
): Promise<DeadLetterReplayTotals> {
  const query = options.day
    ? {
        query: 'SELECT c.id, c.day, c.reason, c.body FROM c WHERE c.day = @day',
        parameters: [{ name: '@day', value: options.day }],
      }
    : 'SELECT c.id, c.day, c.reason, c.body FROM c';
  const iterator = container.items.query<StoredDeadLetter>(query, { maxItemCount: 100 });
  let resent = 0;
  let kept = 0;
  while (iterator.hasMoreResults()) {
    const { resources } = await iterator.fetchNext();
    for (const item of resources) {
      const body = typeof item.body === 'string' ? safeJson(item.body) : item.body;
      const parsed = acceptedEventSchema.safeParse(body);
      if (!parsed.success) {
        kept++;
        continue;
      }
      const message = toServiceBusMessage(parsed.data);
      await sender.sendMessages({
        ...message,
        messageId: replayMessageId(item.id, options.runTag),
      });
      await container.item(item.id, item.day).delete();
      resent++;
      options.onItem?.();
    }
  }
  return { resent, kept };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
