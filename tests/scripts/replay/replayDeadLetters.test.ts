import { randomUUID } from 'node:crypto';

import type { Container, CosmosClient } from '@azure/cosmos';
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  replayCosmosDeadLetters,
  replayMessageId,
  replayServiceBusDeadLetters,
} from '../../../scripts/replay/replayDeadLetters.js';
import { deadLetterContainer } from '../../../src/adapters/cosmos/containers.js';
import { createCosmosDeadLetterSink } from '../../../src/adapters/cosmos/cosmosDeadLetterSink.js';
import { openContainer } from '../../../src/adapters/cosmos/openContainer.js';
import { createServiceBusClient } from '../../../src/adapters/servicebus/createServiceBusClient.js';
import { toServiceBusMessage } from '../../../src/adapters/servicebus/toServiceBusMessage.js';
import type { AcceptedEvent } from '../../../src/core/event.js';
import { type AmqpBroker, startAmqpBroker } from '../../support/amqpBroker.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event = (userId: string): AcceptedEvent => ({
  eventId: randomUUID(),
  userId,
  type: 'purchase',
  occurredAt: '2026-11-30T10:00:00.000Z',
  receivedAt: '2026-11-30T10:00:01.000Z',
  amount: 3,
});

describe('Azure dead-letter replay', () => {
  let broker: AmqpBroker;
  let client: ServiceBusClient;
  let sender: ServiceBusSender;
  let cosmosServer: CosmosTestServer;
  let cosmos: CosmosClient;
  let container: Container;
  const queue = 'events';

  beforeAll(async () => {
    broker = await startAmqpBroker();
    client = createServiceBusClient({ ServiceBusConnection: broker.connectionString });
    sender = client.createSender(queue);
    cosmosServer = await startCosmosServer();
    cosmos = cosmosServer.client();
    container = await openContainer(
      cosmos,
      `test-${randomUUID()}`,
      'deadletters',
      deadLetterContainer,
      true,
    );
  });
  afterAll(async () => {
    await sender.close();
    await client.close();
    await broker.close();
    cosmos.dispose();
    await cosmosServer.close();
  });

  it('moves Service Bus dead letters back to the queue under new ids, then removes them', async () => {
    const events = [event('a'), event('b'), event('c')];
    // They arrived once (their ids are inside the duplicate-detection window), then were dead-lettered.
    await sender.sendMessages(events.map((e) => toServiceBusMessage(e, TRACEPARENT)));
    const dlq = `${queue}/$DeadLetterQueue`;
    broker.enqueue(
      dlq,
      events.map((e) => ({
        messageId: e.eventId,
        body: e,
        applicationProperties: {
          schemaVersion: 1,
          traceparent: TRACEPARENT,
          DeadLetterReason: 'MaxDeliveryCountExceeded',
        },
      })),
    );
    const receiver = client.createReceiver(queue, { subQueueType: 'deadLetter' });
    const totals = await replayServiceBusDeadLetters(receiver, sender, {
      runTag: 'run1',
      maxWaitMs: 500,
    });
    await receiver.close();

    expect(totals).toEqual({ resent: 3, kept: 0 });
    expect(broker.pending(dlq)).toEqual([]);
    const resent = broker.messages(queue).slice(events.length);
    expect(resent.map((m) => m.messageId).sort()).toEqual(
      events.map((e) => replayMessageId(e.eventId, 'run1')).sort(),
    );
    for (const m of resent) {
      expect(m.duplicate).toBe(false);
      expect(m.applicationProperties).toMatchObject({ traceparent: TRACEPARENT });
    }
    expect(resent.map((m) => m.body)).toEqual(expect.arrayContaining(events));
  });

  it('leaves a dead letter in the subqueue when its re-send fails', async () => {
    const dlq = `${queue}/$DeadLetterQueue`;
    const stuck = event('e');
    broker.enqueue(dlq, [{ messageId: stuck.eventId, body: stuck }]);
    broker.setOutage('busy');
    const receiver = client.createReceiver(queue, { subQueueType: 'deadLetter' });
    try {
      await expect(
        replayServiceBusDeadLetters(receiver, sender, { runTag: 'run4', maxWaitMs: 500 }),
      ).rejects.toThrow();
    } finally {
      broker.setOutage(false);
      await receiver.close();
    }
    expect(broker.pending(dlq)).toEqual([{ messageId: stuck.eventId, body: stuck }]);
    const retry = client.createReceiver(queue, { subQueueType: 'deadLetter' });
    expect(
      await replayServiceBusDeadLetters(retry, sender, { runTag: 'run5', maxWaitMs: 500 }),
    ).toEqual({ resent: 1, kept: 0 });
    await retry.close();
    expect(broker.pending(dlq)).toEqual([]);
  });

  it('re-sends Cosmos DB dead letters that are accepted events and keeps the others', async () => {
    const good = event('d');
    await createCosmosDeadLetterSink(container).put([
      { key: 'msg-good', reason: 'unscorable: model 1.0.0 gave NaN', body: good },
      {
        key: 'msg-bad',
        reason: 'invalid_message: userId: must not be empty',
        body: { userId: '' },
      },
    ]);
    const before = broker.messages(queue).length;
    const totals = await replayCosmosDeadLetters(container, sender, { runTag: 'run2' });
    expect(totals).toEqual({ resent: 1, kept: 1 });
    const resent = broker.messages(queue).slice(before);
    expect(resent).toHaveLength(1);
    expect(resent[0]).toMatchObject({
      messageId: replayMessageId('msg-good', 'run2'),
      body: good,
      duplicate: false,
    });
    const { resources } = await container.items
      .query<{ id: string }>('SELECT c.id FROM c')
      .fetchAll();
    expect(resources.map((r) => r.id)).toEqual(['msg-bad']);

    // A second run finds only the one it must keep.
    expect(await replayCosmosDeadLetters(container, sender, { runTag: 'run3' })).toEqual({
      resent: 0,
      kept: 1,
    });
  });
});
