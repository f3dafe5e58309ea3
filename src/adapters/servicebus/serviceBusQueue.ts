import {
  isServiceBusError,
  type ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusMessageBatch,
  type ServiceBusSender,
} from '@azure/service-bus';

import type { EventQueue, SendResult } from '../../ports/index.js';
import { toPackedServiceBusMessages } from './toServiceBusMessage.js';

export interface ServiceBusQueueOptions {
  /** Retry-After given to callers when a send fails. Default 5. */
  retryAfterSeconds?: number;
  /** Longest check() may take when it has to open the link. Default 5000. */
  checkTimeoutMs?: number;
}

/** Service Bus asks a throttled client to back off for 10 seconds. */
const BUSY_RETRY_AFTER_SECONDS = 10;

type Packed = { ok: true; batches: ServiceBusMessageBatch[] } | { ok: false; tooLarge: string };

/**
 * The EventQueue on a Service Bus queue. One sender, created on first use and reused. The client
 * belongs to the caller: close() closes only this sender.
 */
export function createServiceBusQueue(
  client: ServiceBusClient,
  queueName: string,
  options: ServiceBusQueueOptions = {},
): EventQueue {
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  const checkTimeoutMs = options.checkTimeoutMs ?? 5000;
  let sender: ServiceBusSender | undefined;
  let closed = false;
  const getSender = () => (sender ??= client.createSender(queueName));

  return {
    async send(events, context = {}): Promise<SendResult> {
      if (closed) return { ok: false, reason: 'the queue is closed', retryAfterSeconds };
      if (events.length === 0) return { ok: true, messages: 0 };
      let sent = 0;
      try {
        const active = getSender();
        const messages = toPackedServiceBusMessages(events, context.traceparent);
        // Every batch is built before the first send, so an event that can never fit fails
        // the request without sending part of it.
        const packed = await pack(active, messages);
        if (!packed.ok) {
          return {
            ok: false,
            reason: `message ${packed.tooLarge} does not fit in one Service Bus message`,
            retryAfterSeconds,
          };
        }
        for (const batch of packed.batches) {
          await active.sendMessages(batch);
          sent += batch.count;
        }
        return { ok: true, messages: sent };
      } catch (error) {
        const progress = sent > 0 ? ` after ${sent} message(s) were sent` : '';
        return {
          ok: false,
          reason: `Service Bus send failed${progress}: ${describeError(error)}`,
          retryAfterSeconds: isBusy(error)
            ? Math.max(retryAfterSeconds, BUSY_RETRY_AFTER_SECONDS)
            : retryAfterSeconds,
        };
      }
    },

    // Opens the sender link when it is not open (connection, CBS token, attach) and costs
    // nothing on the wire when it is, so a health probe says whether we could send right now.
    async check() {
      if (closed) throw new Error('the queue is closed');
      await getSender().createMessageBatch({ abortSignal: AbortSignal.timeout(checkTimeoutMs) });
    },

    async close() {
      closed = true;
      const current = sender;
      sender = undefined;
      await current?.close();
    },
  };
}

async function pack(
  sender: ServiceBusSender,
  messages: readonly ServiceBusMessage[],
): Promise<Packed> {
  const batches: ServiceBusMessageBatch[] = [];
  let batch = await sender.createMessageBatch();
  for (const message of messages) {
    if (batch.tryAddMessage(message)) continue;
    if (batch.count > 0) {
      batches.push(batch);
      batch = await sender.createMessageBatch();
      if (batch.tryAddMessage(message)) continue;
    }
    return { ok: false, tooLarge: String(message.messageId) };
  }
  batches.push(batch);
  return { ok: true, batches };
}

/** The SDK throws an AggregateError of every attempt's error once its retries run out. */
function lastError(error: unknown): unknown {
  return error instanceof AggregateError && error.errors.length > 0 ? error.errors.at(-1) : error;
}

function describeError(error: unknown): string {
  const last = lastError(error);
  if (isServiceBusError(last)) return `${last.code}: ${last.message}`;
  return last instanceof Error ? `${last.name}: ${last.message}` : String(last);
}

function isBusy(error: unknown): boolean {
  const last = lastError(error);
  return isServiceBusError(last) && last.code === 'ServiceBusy';
}
