import { once } from 'node:events';

import type { AmqpError, Connection, EventContext } from 'rhea';
import rhea from 'rhea';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type AmqpBroker, startAmqpBroker } from './amqpBroker.js';

const BATCH_FORMAT = 0x80013700;

/** The broker seen by a plain rhea client, without the Service Bus SDK in between. */
describe('startAmqpBroker', () => {
  let broker: AmqpBroker;
  let connection: Connection;

  function clientContainer() {
    const client = rhea.create_container({ id: `broker-test-${rhea.generate_uuid()}` });
    // Otherwise rhea prints a warning for every connection the broker drops on purpose.
    client.on('disconnected', () => undefined);
    return client;
  }

  async function connect(port: number): Promise<Connection> {
    const client = clientContainer();
    const opened = client.connect({ host: '127.0.0.1', port, reconnect: false });
    await once(opened, 'connection_open');
    return opened;
  }

  async function openQueueSender(address: string) {
    const sender = connection.open_sender({ target: { address } });
    await once(sender, 'sendable');
    return sender;
  }

  beforeEach(async () => {
    broker = await startAmqpBroker({ maxMessageSize: 4096 });
    connection = await connect(broker.port);
  });

  afterEach(async () => {
    connection.close();
    await broker.close();
  });

  it('answers put-token on $cbs with 200, correlated and sent to reply-to', async () => {
    const replies = connection.open_receiver({ name: 'cbs-reply-1', source: { address: '$cbs' } });
    const requests = connection.open_sender({ target: { address: '$cbs' } });
    await once(requests, 'sendable');

    requests.send({
      message_id: 'request-1',
      reply_to: 'cbs-reply-1',
      to: '$cbs',
      application_properties: { operation: 'put-token', name: 'sb://host/q1', type: 'jwt' },
      body: 'token',
    });
    const [context] = (await once(replies, 'message')) as [EventContext];

    expect(context.message?.correlation_id).toBe('request-1');
    expect(context.message?.application_properties).toEqual({
      'status-code': 200,
      'status-description': 'OK',
    });
    expect(broker.tokenAudiences).toEqual(['sb://host/q1']);
  });

  it('attaches queue senders with its max-message-size', async () => {
    const sender = await openQueueSender('q1');

    expect(sender.max_message_size).toBe(4096);
  });

  it('unpacks a batched transfer into its messages and flags a repeated id', async () => {
    const sender = await openQueueSender('q1');
    const inner = (id: string, n: number): Buffer =>
      rhea.message.encode({
        message_id: id,
        content_type: 'application/json',
        application_properties: { n },
        body: rhea.message.data_section(Buffer.from(JSON.stringify({ n }))),
      });
    const envelope = rhea.message.encode({
      body: rhea.message.data_sections([inner('a', 1), inner('b', 2), inner('a', 3)]),
    });

    sender.send(envelope, undefined, BATCH_FORMAT);
    await once(sender, 'accepted');

    expect(broker.messages('q1')).toEqual([
      {
        messageId: 'a',
        contentType: 'application/json',
        applicationProperties: { n: 1 },
        body: { n: 1 },
        duplicate: false,
      },
      {
        messageId: 'b',
        contentType: 'application/json',
        applicationProperties: { n: 2 },
        body: { n: 2 },
        duplicate: false,
      },
      {
        messageId: 'a',
        contentType: 'application/json',
        applicationProperties: { n: 3 },
        body: { n: 3 },
        duplicate: true,
      },
    ]);
    expect(broker.transfers('q1')).toEqual([
      { bytes: envelope.length, format: BATCH_FORMAT, messages: 3, outcome: 'accepted' },
    ]);
  });

  it('rejects a transfer larger than max-message-size', async () => {
    const sender = await openQueueSender('q1');

    sender.send({ message_id: 'big', body: 'x'.repeat(5000) });
    const [context] = (await once(sender, 'rejected')) as [EventContext];

    const error = (context.delivery?.remote_state as { error?: AmqpError } | undefined)?.error;
    expect(error?.condition).toBe('amqp:link:message-size-exceeded');
    expect(broker.messages('q1')).toEqual([]);
    expect(broker.transfers('q1')).toEqual([expect.objectContaining({ outcome: 'rejected' })]);
  });

  it('refuses links to $management', async () => {
    const sender = connection.open_sender({ target: { address: 'q1/$management' } });
    const [context] = (await once(sender, 'sender_error')) as [EventContext];

    expect((context.sender?.error as AmqpError | undefined)?.condition).toBe(
      'amqp:not-implemented',
    );
  });

  it('rejects transfers with server-busy during a busy outage, after the allowed ones', async () => {
    const sender = await openQueueSender('q1');
    broker.setOutage('busy', { afterTransfers: 1 });

    sender.send({ message_id: 'ok', body: 'one' });
    await once(sender, 'accepted');
    sender.send({ message_id: 'busy', body: 'two' });
    const [context] = (await once(sender, 'rejected')) as [EventContext];

    const error = (context.delivery?.remote_state as { error?: AmqpError } | undefined)?.error;
    expect(error?.condition).toBe('com.microsoft:server-busy');
    expect(broker.messages('q1').map((m) => m.messageId)).toEqual(['ok']);
  });

  it('closes connections with an error and resets new sockets during a disconnect outage', async () => {
    const closed = once(connection, 'connection_error');
    broker.setOutage('disconnect');

    const [context] = (await closed) as [EventContext];
    expect((context.connection.error as AmqpError | undefined)?.condition).toBe(
      'amqp:connection:forced',
    );
    const client = clientContainer();
    const refused = client.connect({ host: '127.0.0.1', port: broker.port, reconnect: false });
    const [lost] = (await once(refused, 'disconnected')) as [EventContext];
    expect(lost.error).toMatchObject({ code: 'ECONNRESET' });

    broker.setOutage(false);
    const again = await connect(broker.port);
    expect(again.is_open()).toBe(true);
    again.close();
  });
});
