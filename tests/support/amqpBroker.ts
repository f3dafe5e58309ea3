/**
 * A wire-level AMQP 1.0 test broker, enough for the real @azure/service-bus SDK to send to it.
 *
 * Implements: SASL ANONYMOUS and PLAIN (any credentials); the CBS `put-token` exchange on `$cbs`
 * (every token is accepted with status 200); queue sender links with a negotiated
 * max-message-size (262144 like Standard); single transfers and the SDK's batched transfers
 * (message-format 0x80013700, one AMQP message per data section); duplicate detection by
 * message-id (duplicates are kept, flagged); transfers larger than max-message-size are rejected;
 * outages: `disconnect` (connections closed with amqp:connection:forced, new sockets dropped) and
 * `busy` (transfers rejected with com.microsoft:server-busy), optionally after N more transfers.
 *
 * Receiving, for what `enqueue` put at an address (a dead-letter subqueue, `<queue>/$DeadLetterQueue`):
 * peek-lock deliveries with 16-byte lock tokens, removed when the receiver accepts them, put back
 * when it releases or modifies them or its link goes away; drain answered.
 *
 * Leaves out: receiving what was sent to a queue, the `$management` node (links to it are refused; the SDK
 * does not use it to send), sessions and partitions, TTL and scheduling, token validation,
 * TLS and WebSockets, persistence.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Server, Socket } from 'node:net';

import type { AmqpError, Connection, Delivery, EventContext, Sender } from 'rhea';
import rhea from 'rhea';

const BATCH_FORMAT = 0x80013700;
const DATA_SECTION = 0x75;

export interface ReceivedMessage {
  messageId: string | undefined;
  contentType: string | undefined;
  applicationProperties: Record<string, unknown>;
  /** The data section parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  /** True when a message with the same id had been stored already. */
  duplicate: boolean;
}

export interface ReceivedTransfer {
  /** Size of the transfer's AMQP message (for a batch: the envelope holding every message). */
  bytes: number;
  format: number;
  messages: number;
  outcome: 'accepted' | 'rejected';
}

export type OutageMode = 'disconnect' | 'busy';

export interface EnqueuedMessage {
  messageId: string;
  body: unknown;
  contentType?: string;
  applicationProperties?: Record<string, unknown>;
}

export interface AmqpBroker {
  readonly port: number;
  readonly maxMessageSize: number;
  /** For ServiceBusClient: plain AMQP on this port, SAS key accepted as is. */
  readonly connectionString: string;
  /** Messages accepted on a queue, in arrival order. */
  messages(queue: string): ReceivedMessage[];
  transfers(queue: string): ReceivedTransfer[];
  /** Puts messages at `address` for receivers to take (peek-lock), e.g. `events/$DeadLetterQueue`. */
  enqueue(address: string, messages: EnqueuedMessage[]): void;
  /** Messages at `address` not yet completed (waiting or locked by a receiver). */
  pending(address: string): EnqueuedMessage[];
  /** Audiences of every put-token request answered. */
  readonly tokenAudiences: string[];
  /** `afterTransfers`: accept that many more transfers, then start the outage. */
  setOutage(mode: OutageMode | false, options?: { afterTransfers?: number }): void;
  close(): Promise<void>;
}

export interface AmqpBrokerOptions {
  maxMessageSize?: number;
}

interface SaslMechanisms {
  enable_anonymous(): void;
  enable_plain(verify: () => boolean): void;
}

interface LocalAttach {
  local: { attach: { max_message_size?: number } };
}

/** The parts of a decoded AMQP message the broker records. */
interface WireMessage {
  message_id?: string | number | Buffer;
  content_type?: string;
  application_properties?: Record<string, unknown>;
  body?: unknown;
}

interface QueueLog {
  messages: ReceivedMessage[];
  transfers: ReceivedTransfer[];
  ids: Set<string>;
}

export async function startAmqpBroker(options: AmqpBrokerOptions = {}): Promise<AmqpBroker> {
  const maxMessageSize = options.maxMessageSize ?? 262_144;
  const container = rhea.create_container({
    id: `test-broker-${rhea.generate_uuid()}`,
    autoaccept: false,
  });
  const mechanisms = container.sasl_server_mechanisms as SaslMechanisms;
  mechanisms.enable_anonymous();
  mechanisms.enable_plain(() => true);

  const queues = new Map<string, QueueLog>();
  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();
  const tokenAudiences: string[] = [];
  let outage: OutageMode | false = false;
  let pending: { mode: OutageMode; remaining: number } | undefined;

  const queueLog = (name: string): QueueLog => {
    let log = queues.get(name);
    if (!log) {
      log = { messages: [], transfers: [], ids: new Set() };
      queues.set(name, log);
    }
    return log;
  };

  const dropAll = () => {
    const error: AmqpError = {
      condition: 'amqp:connection:forced',
      description: 'test broker outage',
    };
    for (const connection of connections) connection.close(error);
  };

  const startOutage = (mode: OutageMode) => {
    outage = mode;
    pending = undefined;
    if (mode === 'disconnect') dropAll();
  };

  const onQueueTransfer = (queue: string, context: EventContext) => {
    const delivery = context.delivery!;
    if (pending && pending.remaining-- <= 0) startOutage(pending.mode);
    // Left unsettled: the connection is going away, as with a real outage mid-send.
    if (outage === 'disconnect') return;
    const log = queueLog(queue);
    const { bytes, messages } = unpack(context);
    const reject = (error: AmqpError) => {
      log.transfers.push({
        bytes,
        format: delivery.format,
        messages: messages.length,
        outcome: 'rejected',
      });
      delivery.reject(error);
    };
    if (outage === 'busy') {
      reject({ condition: 'com.microsoft:server-busy', description: 'test broker is busy' });
      return;
    }
    if (bytes > maxMessageSize) {
      reject({
        condition: 'amqp:link:message-size-exceeded',
        description: `transfer of ${bytes} bytes exceeds ${maxMessageSize}`,
      });
      return;
    }
    log.transfers.push({
      bytes,
      format: delivery.format,
      messages: messages.length,
      outcome: 'accepted',
    });
    for (const message of messages) {
      const received = toReceived(message, log.ids);
      if (received.messageId !== undefined) log.ids.add(received.messageId);
      log.messages.push(received);
    }
    delivery.accept();
  };

  interface Deliverable {
    waiting: EnqueuedMessage[];
    locked: Map<Delivery, EnqueuedMessage>;
  }
  const deliverables = new Map<string, Deliverable>();
  let sequence = 0;
  const deliverable = (address: string): Deliverable => {
    let d = deliverables.get(address);
    if (!d) {
      d = { waiting: [], locked: new Map() };
      deliverables.set(address, d);
    }
    return d;
  };
  const pump = (sender: Sender, d: Deliverable) => {
    while (sender.sendable() && d.waiting.length > 0) {
      const m = d.waiting.shift()!;
      const delivery = sender.send(
        {
          message_id: m.messageId,
          content_type: m.contentType ?? 'application/json',
          application_properties: m.applicationProperties ?? {},
          message_annotations: {
            'x-opt-sequence-number': ++sequence,
            'x-opt-enqueued-time': new Date(),
          },
          body: rhea.message.data_section(Buffer.from(JSON.stringify(m.body))),
        },
        randomBytes(16),
      );
      d.locked.set(delivery, m);
    }
  };
  // Peek-lock (rcv-settle-mode second): the receiver states an outcome and waits for the broker
  // to settle it, which is when the SDK's completeMessage resolves.
  const unlock = (d: Deliverable, delivery: Delivery | undefined, back: boolean) => {
    const m = delivery && d.locked.get(delivery);
    if (!delivery || !m) return;
    d.locked.delete(delivery);
    if (back) d.waiting.unshift(m);
    if (!delivery.settled) delivery.update(true);
  };
  const openDeliveringSender = (sender: Sender, address: string) => {
    const d = deliverable(address);
    sender.on('sendable', () => pump(sender, d));
    sender.on('sender_draining', () => {
      pump(sender, d);
      sender.set_drained(true);
    });
    sender.on('accepted', (ctx: EventContext) => unlock(d, ctx.delivery, false));
    for (const event of ['released', 'modified', 'rejected'])
      sender.on(event, (ctx: EventContext) => unlock(d, ctx.delivery, true));
    const releaseAll = () => {
      for (const delivery of [...d.locked.keys()]) {
        if (delivery.link === sender) unlock(d, delivery, true);
      }
    };
    sender.on('sender_close', releaseAll);
    sender.on('sender_error', releaseAll);
    sender.connection.on('disconnected', releaseAll);
  };

  const onCbsRequest = (context: EventContext) => {
    const request = context.message!;
    context.delivery!.accept();
    const properties = request.application_properties ?? {};
    if (properties.operation !== 'put-token') return;
    tokenAudiences.push(String(properties.name));
    const replyLink = findSender(context.connection, request.reply_to);
    replyLink?.send({
      correlation_id: request.message_id,
      to: request.reply_to,
      application_properties: { 'status-code': 200, 'status-description': 'OK' },
      body: undefined,
    });
  };

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver!;
    const target = (receiver.target as { address?: string } | undefined)?.address ?? '';
    receiver.set_target({ address: target });
    receiver.set_source(receiver.source ?? {});
    if (target === '$cbs') {
      receiver.on('message', onCbsRequest);
      return;
    }
    if (target.includes('$management')) {
      receiver.close({ condition: 'amqp:not-implemented', description: 'no $management node' });
      return;
    }
    // rhea has no setter for it; the attach frame is written on the next tick, after this handler.
    (receiver as unknown as LocalAttach).local.attach.max_message_size = maxMessageSize;
    receiver.on('message', (ctx: EventContext) => onQueueTransfer(target, ctx));
  });

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender!;
    const source = sender.source?.address ?? '';
    sender.set_source({ address: source });
    sender.set_target(sender.target ?? {});
    if (deliverables.has(source) || source.endsWith('/$DeadLetterQueue')) {
      openDeliveringSender(sender, source);
    } else if (source !== '$cbs') {
      sender.close({
        condition: 'amqp:not-implemented',
        description: 'this broker does not deliver',
      });
    }
  });

  container.on('connection_open', (context: EventContext) => {
    connections.add(context.connection);
  });
  container.on('disconnected', (context: EventContext) => {
    connections.delete(context.connection);
  });
  // rhea throws on an 'error' event nobody listens to; a client's broken socket is not a test failure.
  for (const event of [
    'error',
    'connection_error',
    'protocol_error',
    'session_error',
    'receiver_error',
  ]) {
    container.on(event, () => undefined);
  }

  const server: Server = container.listen({ port: 0, host: '127.0.0.1' });
  server.on('connection', (socket: Socket) => {
    if (outage === 'disconnect') {
      // A TCP reset, as from a host that is down: the SDK sees ECONNRESET.
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    maxMessageSize,
    connectionString: `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true`,
    messages: (queue) => [...(queues.get(queue)?.messages ?? [])],
    transfers: (queue) => [...(queues.get(queue)?.transfers ?? [])],
    tokenAudiences,
    enqueue(address, messages) {
      deliverable(address).waiting.push(...messages);
    },
    pending(address) {
      const d = deliverables.get(address);
      return d ? [...d.locked.values(), ...d.waiting] : [];
    },
    setOutage(mode, { afterTransfers } = {}) {
      if (mode !== false && afterTransfers !== undefined && afterTransfers > 0) {
        pending = { mode, remaining: afterTransfers };
        return;
      }
      pending = undefined;
      if (mode === false) outage = false;
      else startOutage(mode);
    },
    async close() {
      for (const connection of connections) connection.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function findSender(connection: Connection, address: string | undefined): Sender | undefined {
  if (address === undefined) return undefined;
  // The SDK names its reply receiver after the reply-to address; match the name or the target.
  return connection.find_sender(
    (s: Sender) =>
      s.name === address || (s.target as { address?: string } | undefined)?.address === address,
  );
}

/** The messages in one transfer: a single AMQP message, or a batch whose data sections each hold one. */
function unpack(context: EventContext): { bytes: number; messages: WireMessage[] } {
  const delivery: Delivery = context.delivery!;
  if (delivery.format !== BATCH_FORMAT) {
    const message = context.message!;
    return { bytes: rhea.message.encode(message).length, messages: [message] };
  }
  const raw = context.message as unknown as Buffer;
  const envelope = rhea.message.decode(raw);
  const body = envelope.body as
    { typecode?: number; content?: unknown; multiple?: boolean } | undefined;
  if (body?.typecode !== DATA_SECTION) return { bytes: raw.length, messages: [] };
  const sections = (body.multiple ? body.content : [body.content]) as Buffer[];
  return {
    bytes: raw.length,
    messages: sections.map((section) => rhea.message.decode(section) as WireMessage),
  };
}

function toReceived(message: WireMessage, seen: ReadonlySet<string>): ReceivedMessage {
  const id = message.message_id;
  const messageId =
    id === undefined ? undefined : Buffer.isBuffer(id) ? id.toString('hex') : String(id);
  return {
    messageId,
    contentType: message.content_type,
    applicationProperties: { ...(message.application_properties ?? {}) },
    body: parseBody(message.body),
    duplicate: messageId !== undefined && seen.has(messageId),
  };
}

function parseBody(body: unknown): unknown {
  const section = body as { typecode?: number; content?: unknown } | undefined;
  if (section?.typecode !== DATA_SECTION || !Buffer.isBuffer(section.content)) return body;
  const text = section.content.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
