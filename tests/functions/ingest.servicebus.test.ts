import { randomUUID } from 'node:crypto';

import { HttpRequest, InvocationContext } from '@azure/functions';
import type { ServiceBusClient } from '@azure/service-bus';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createServiceBusClient } from '../../src/adapters/servicebus/createServiceBusClient.js';
import { createServiceBusQueue } from '../../src/adapters/servicebus/serviceBusQueue.js';
import { createIngestHandler } from '../../src/functions/ingest.js';
import { type AmqpBroker, startAmqpBroker } from '../support/amqpBroker.js';
import { testDeps } from '../support/testDeps.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function post(body: unknown) {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/events',
    headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
    body: { string: JSON.stringify(body) },
  });
}

// The ingest function as Azure runs it: the real Service Bus adapter and SDK, over AMQP to the test broker.
describe('ingest to Service Bus', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;
  let handler: ReturnType<typeof createIngestHandler>;
  const queueName = 'events';

  beforeEach(async () => {
    broker = await startAmqpBroker();
    client = createServiceBusClient(
      { ServiceBusConnection: broker.connectionString },
      { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 2000 },
    );
    const queue = createServiceBusQueue(client, queueName, { retryAfterSeconds: 7 });
    handler = createIngestHandler({ ...testDeps(), queue });
  });
  afterEach(async () => {
    await client.close();
    await broker.close();
  });

  it('puts one message per accepted event on the queue, with id, type and trace context', async () => {
    const events = Array.from({ length: 250 }, (_, i) => ({
      eventId: randomUUID(),
      userId: `u${i}`,
      type: 'click',
    }));
    const res = await handler(
      post({ events: [...events, { userId: 'bad user', type: 'click' }] }),
      new InvocationContext(),
    );
    expect(res.status).toBe(202);
    expect(res.jsonBody).toMatchObject({ accepted: 250, rejected: 1 });
    const received = broker.messages(queueName);
    expect(received.map((m) => m.messageId)).toEqual(events.map((e) => e.eventId));
    expect(received[0]).toMatchObject({
      contentType: 'application/json',
      applicationProperties: { schemaVersion: 1, eventType: 'click', traceparent: TRACEPARENT },
    });
  });

  it('answers 503 with Retry-After during an outage and accepts nothing', async () => {
    broker.setOutage('disconnect');
    const res = await handler(post({ userId: 'u1', type: 'click' }), new InvocationContext());
    expect(res.status).toBe(503);
    expect(new Headers(res.headers as Record<string, string>).get('retry-after')).toBe('7');
    expect(res.jsonBody).toMatchObject({ error: { code: 'queue_unavailable' } });
    expect(broker.messages(queueName)).toHaveLength(0);
  });
});
