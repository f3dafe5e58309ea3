import { randomUUID } from 'node:crypto';

import type { ServiceBusClient } from '@azure/service-bus';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createServiceBusClient } from '../../../src/adapters/servicebus/createServiceBusClient.js';
import { createServiceBusQueue } from '../../../src/adapters/servicebus/serviceBusQueue.js';
import type { AcceptedEvent } from '../../../src/core/event.js';
import type { EventQueue } from '../../../src/ports/index.js';
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

/** The events a list of received messages carries, in order (each message packs a request's events). */
const eventsIn = (received: readonly { body: unknown }[]) =>
  received.flatMap((m) => (m.body as { events: AcceptedEvent[] }).events);

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

  it('sends a request as one packed message with its id, body, properties, content type and traceparent', async () => {
    const event = acceptedEvent();
    const other = acceptedEvent({ userId: 'user-2' });

    const result = await queue.send([event, other], { traceparent: TRACEPARENT });

    expect(result).toEqual({ ok: true, messages: 1 });
    expect(broker.messages(queueName)).toEqual([
      {
        messageId: expect.stringMatching(/^p-[0-9a-f]{40}$/),
        contentType: 'application/json',
        applicationProperties: {
          schemaVersion: 2,
          events: 2,
          traceparent: TRACEPARENT,
        },
        body: { events: [event, other] },
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
      schemaVersion: 2,
      events: 1,
    });
  });

  it('packs 1,000 events into messages of at most 60 KiB, in order, in as few transfers as fit', async () => {
    const events = smallEvents(1000);

    const result = await queue.send(events);

    const received = broker.messages(queueName);
    expect(result).toEqual({ ok: true, messages: received.length });
    // About 330 bytes an event: 6 or 7 messages, not 1,000 (Service Bus bills per 64 KB message).
    expect(received.length).toBeGreaterThanOrEqual(5);
    expect(received.length).toBeLessThanOrEqual(8);
    expect(eventsIn(received)).toEqual(events);
    for (const m of received) expect(JSON.stringify(m.body).length).toBeLessThanOrEqual(60 * 1024);
    expect(new Set(received.map((m) => m.messageId)).size).toBe(received.length);
    expect(received.every((m) => !m.duplicate)).toBe(true);
    const transfers = broker.transfers(queueName);
    expect(transfers.every((t) => t.outcome === 'accepted' && t.bytes <= STANDARD_MAX)).toBe(true);
    expect(transfers.reduce((n, t) => n + t.messages, 0)).toBe(received.length);
    expectFullTransfers(transfers);
  });

  it('sends events near the 32 KiB limit without an oversize transfer', async () => {
    const events = Array.from({ length: 40 }, () => eventOfSize(30 * 1024));

    const result = await queue.send(events);

    // Two 30 KiB events pass 60 KiB: one event a message.
    expect(result).toEqual({ ok: true, messages: 40 });
    expect(eventsIn(broker.messages(queueName))).toEqual(events);
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
    expect(eventsIn(broker.messages(queueName).slice(-1))).toEqual([event]);
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
    const events = Array.from({ length: 40 }, () => eventOfSize(30 * 1024));
    broker.setOutage('busy', { afterTransfers: 1 });

    const failed = await queue.send(events);

    const firstBatch = broker.messages(queueName).length;
    expect(firstBatch).toBeGreaterThan(0);
    expect(firstBatch).toBeLessThan(40);
    expect(failed).toMatchObject({ ok: false });
    expect(failed.ok ? '' : failed.reason).toContain(`after ${firstBatch} message(s) were sent`);

    broker.setOutage(false);
    expect(await queue.send(events)).toEqual({ ok: true, messages: 40 });

    // The same events pack into the same messages, so duplicate detection drops the repeats.
    const received = broker.messages(queueName);
    expect(eventsIn(received.filter((m) => !m.duplicate))).toEqual(events);
    expect(received.filter((m) => m.duplicate)).toHaveLength(firstBatch);
  });

  it('fails without sending anything when one message cannot fit in the link', async () => {
    await queue.close();
    await client.close();
    await broker.close();
    await start({ maxMessageSize: 4096 });
    const events = [acceptedEvent(), eventOfSize(8 * 1024), acceptedEvent()];

    const result = await queue.send(events);

    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^message p-[0-9a-f]{40} does not fit in one Service Bus message$/,
      ),
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
