import { randomUUID } from 'node:crypto';

import type { ServiceBusClient } from '@azure/service-bus';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createServiceBusClient } from '../../../src/adapters/servicebus/createServiceBusClient.js';
import { createServiceBusQueue } from '../../../src/adapters/servicebus/serviceBusQueue.js';
import type { AcceptedEvent } from '../../../src/core/event.js';
import type { EventQueue } from '../../../src/ports.js';
import {
  type AmqpBroker,
  type AmqpBrokerOptions,
  type ReceivedTransfer,
  startAmqpBroker,
} from '../../support/amqpBroker.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const BATCH_FORMAT = 0x80013700;
const STANDARD_MAX = 262_144;
/** Short enough that an outage test takes seconds, not the SDK's minutes. */
const TEST_RETRIES = { maxRetries: 2, retryDelayInMs: 100, timeoutInMs: 2000 };

function acceptedEvent(extra: Partial<AcceptedEvent> = {}): AcceptedEvent {
  return {
    eventId: randomUUID(),
    userId: 'user-1',
    type: 'purchase',
    occurredAt: '2026-03-10T12:00:00.000Z',
    receivedAt: '2026-03-10T12:00:01.000Z',
    amount: 12.5,
    properties: { plan: 'pro' },
    ...extra,
  };
}

/** An event whose JSON is a little over `bytes` long. */
function eventOfSize(bytes: number): AcceptedEvent {
  const properties: Record<string, string> = {};
  for (let i = 0; i * 1000 < bytes; i++) properties[`p${i}`] = 'x'.repeat(1000);
  return acceptedEvent({ properties });
}

const smallEvents = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    acceptedEvent({ userId: `user-${i}`, properties: { note: 'n'.repeat(200) } }),
  );

/** Every transfer but the last is full: one more message of its average size would not fit. */
function expectFullTransfers(transfers: readonly ReceivedTransfer[]): void {
  for (const t of transfers.slice(0, -1)) {
    expect(t.bytes + t.bytes / t.messages).toBeGreaterThan(STANDARD_MAX);
  }
}

describe('createServiceBusQueue', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;
  let queue: EventQueue;
  let queueName: string;

  async function start(options: AmqpBrokerOptions = {}) {
    broker = await startAmqpBroker(options);
    client = createServiceBusClient(
      { ServiceBusConnection: broker.connectionString },
      TEST_RETRIES,
    );
    queueName = `events-${randomUUID().slice(0, 8)}`;
    queue = createServiceBusQueue(client, queueName, { retryAfterSeconds: 7 });
  }

  beforeEach(() => start());

  afterEach(async () => {
    await queue.close();
    await client.close();
    await broker.close();
  });

  it('sends one event with its id, body, properties, content type and traceparent', async () => {
    const event = acceptedEvent();

    const result = await queue.send([event], { traceparent: TRACEPARENT });

    expect(result).toEqual({ ok: true, messages: 1 });
    expect(broker.messages(queueName)).toEqual([
      {
        messageId: event.eventId,
        contentType: 'application/json',
        applicationProperties: {
          schemaVersion: 1,
          eventType: 'purchase',
          traceparent: TRACEPARENT,
        },
        body: event,
        duplicate: false,
      },
    ]);
    expect(broker.transfers(queueName)).toEqual([
      expect.objectContaining({ format: BATCH_FORMAT, messages: 1, outcome: 'accepted' }),
    ]);
    expect(broker.tokenAudiences).toContain(`sb://127.0.0.1:${broker.port}/${queueName}`);
  });

  it('leaves traceparent out when there is none', async () => {
    await queue.send([acceptedEvent({ type: 'signup' })]);

    expect(broker.messages(queueName)[0]?.applicationProperties).toEqual({
      schemaVersion: 1,
      eventType: 'signup',
    });
  });

  it('sends 1,000 events in as few transfers as fit, none over the link limit', async () => {
    const events = smallEvents(1000);

    const result = await queue.send(events);

    expect(result).toEqual({ ok: true, messages: 1000 });
    const received = broker.messages(queueName);
    expect(received.map((m) => m.messageId)).toEqual(events.map((e) => e.eventId));
    expect(new Set(received.map((m) => m.messageId)).size).toBe(1000);
    expect(received.every((m) => !m.duplicate)).toBe(true);
    const transfers = broker.transfers(queueName);
    expect(transfers.length).toBeGreaterThan(1);
    expect(transfers.length).toBeLessThan(1000);
    expect(transfers.every((t) => t.outcome === 'accepted' && t.bytes <= STANDARD_MAX)).toBe(true);
    expect(transfers.reduce((n, t) => n + t.messages, 0)).toBe(1000);
    expectFullTransfers(transfers);
  });

  it('sends events near the 32 KiB limit without an oversize transfer', async () => {
    const events = Array.from({ length: 40 }, () => eventOfSize(30 * 1024));

    const result = await queue.send(events);

    expect(result).toEqual({ ok: true, messages: 40 });
    expect(broker.messages(queueName).map((m) => m.messageId)).toEqual(
      events.map((e) => e.eventId),
    );
    const transfers = broker.transfers(queueName);
    expect(transfers.length).toBeGreaterThanOrEqual(5);
    expect(transfers.every((t) => t.outcome === 'accepted' && t.bytes <= STANDARD_MAX)).toBe(true);
    expectFullTransfers(transfers);
  });

  it('fails promptly with Retry-After while the broker is down, and recovers', async () => {
    expect(await queue.send([acceptedEvent()])).toEqual({ ok: true, messages: 1 });
    broker.setOutage('disconnect');

    const started = Date.now();
    const failed = await queue.send([acceptedEvent()]);

    expect(Date.now() - started).toBeLessThan(8000);
    expect(failed).toMatchObject({ ok: false, retryAfterSeconds: 7 });
    expect(failed.ok ? '' : failed.reason).toMatch(/^Service Bus send failed: /);
    await expect(queue.check()).rejects.toThrow();

    broker.setOutage(false);
    const event = acceptedEvent();
    expect(await queue.send([event])).toEqual({ ok: true, messages: 1 });
    await expect(queue.check()).resolves.toBeUndefined();
    expect(broker.messages(queueName).map((m) => m.messageId)).toHaveLength(2);
    expect(broker.messages(queueName).at(-1)?.messageId).toBe(event.eventId);
  });

  it('asks for a longer wait when Service Bus is busy, after the SDK retries', async () => {
    await queue.check();
    broker.setOutage('busy');

    const failed = await queue.send([acceptedEvent()]);

    expect(failed).toMatchObject({ ok: false, retryAfterSeconds: 10 });
    expect(failed.ok ? '' : failed.reason).toContain('ServiceBusy');
    // The first try and both retries reached the broker.
    expect(broker.transfers(queueName).filter((t) => t.outcome === 'rejected')).toHaveLength(3);
    expect(broker.messages(queueName)).toEqual([]);

    broker.setOutage(false);
    expect(await queue.send([acceptedEvent()])).toEqual({ ok: true, messages: 1 });
  });

  it('reports a half-way failure; resending the same events only adds duplicates', async () => {
    const events = smallEvents(1000);
    broker.setOutage('busy', { afterTransfers: 1 });

    const failed = await queue.send(events);

    const firstBatch = broker.messages(queueName).length;
    expect(firstBatch).toBeGreaterThan(0);
    expect(firstBatch).toBeLessThan(1000);
    expect(failed).toMatchObject({ ok: false });
    expect(failed.ok ? '' : failed.reason).toContain(`after ${firstBatch} of 1000 messages`);

    broker.setOutage(false);
    expect(await queue.send(events)).toEqual({ ok: true, messages: 1000 });

    const received = broker.messages(queueName);
    const stored = received.filter((m) => !m.duplicate).map((m) => m.messageId);
    expect(stored).toEqual(events.map((e) => e.eventId));
    expect(received.filter((m) => m.duplicate)).toHaveLength(firstBatch);
  });

  it('fails without sending anything when one event cannot fit in a message', async () => {
    await queue.close();
    await client.close();
    await broker.close();
    await start({ maxMessageSize: 4096 });
    const events = [acceptedEvent(), eventOfSize(8 * 1024), acceptedEvent()];

    const result = await queue.send(events);

    expect(result).toEqual({
      ok: false,
      reason: `event ${events[1]!.eventId} does not fit in one Service Bus message`,
      retryAfterSeconds: 7,
    });
    expect(broker.transfers(queueName)).toEqual([]);
  });

  it('check opens the link before any send', async () => {
    await queue.check();

    expect(broker.tokenAudiences).toEqual([`sb://127.0.0.1:${broker.port}/${queueName}`]);
    expect(broker.transfers(queueName)).toEqual([]);
  });

  it('close closes its sender but leaves the shared client usable', async () => {
    await queue.send([acceptedEvent()]);
    await queue.close();

    expect(await queue.send([acceptedEvent()])).toMatchObject({ ok: false });
    await expect(queue.check()).rejects.toThrow('closed');
    const other = createServiceBusQueue(client, queueName);
    expect(await other.send([acceptedEvent()])).toEqual({ ok: true, messages: 1 });
    await other.close();
    expect(broker.messages(queueName)).toHaveLength(2);
  });

  it('closes cleanly after the client was closed first', async () => {
    await queue.send([acceptedEvent()]);
    await client.close();

    await expect(queue.close()).resolves.toBeUndefined();
  });

  it('sends nothing for no events', async () => {
    expect(await queue.send([])).toEqual({ ok: true, messages: 0 });
    expect(broker.tokenAudiences).toEqual([]);
  });
});
