import { createHash } from 'node:crypto';

import type { ServiceBusMessage } from '@azure/service-bus';

import type { AcceptedEvent } from '../../core/event.js';
import { PACKED_SCHEMA_VERSION, type PackedBody } from '../../core/queue/unpackMessages.js';
import { serialisedBytes } from '../../core/serialisedBytes.js';

/** Version 1: the body is one AcceptedEvent (what replays of single dead letters still send). */
export const MESSAGE_SCHEMA_VERSION = 1;

/**
 * Service Bus bills every 64 KB of a message as one operation, and a send, a receive and a
 * complete each count: one message per event made queueing 3 operations per event, most of what
 * an event cost. So a request's events travel together in messages of at most this many bytes.
 */
export const PACKED_MESSAGE_BYTES = 60 * 1024;

/**
 * One event as one message. messageId is the eventId so that Service Bus duplicate detection
 * drops an event that is sent again (a client retrying a request that failed half-way).
 */
export function toServiceBusMessage(event: AcceptedEvent, traceparent?: string): ServiceBusMessage {
  return {
    messageId: event.eventId,
    body: event,
    contentType: 'application/json',
    applicationProperties: {
      schemaVersion: MESSAGE_SCHEMA_VERSION,
      eventType: event.type,
      ...(traceparent === undefined ? {} : { traceparent }),
    },
  };
}

/**
 * A request's events as few messages as fit in PACKED_MESSAGE_BYTES each, in order. A message's id
 * is a hash of its eventIds, so a retried request that sends the same events the same way is
 * dropped by duplicate detection; any other repeat is dropped by the store, which keys on eventId.
 */
export function toPackedServiceBusMessages(
  events: readonly AcceptedEvent[],
  traceparent?: string,
): ServiceBusMessage[] {
  const messages: ServiceBusMessage[] = [];
  let group: AcceptedEvent[] = [];
  let bytes = 0;
  const flush = () => {
    if (group.length === 0) return;
    const body: PackedBody = { events: group };
    messages.push({
      messageId: `p-${createHash('sha256')
        .update(group.map((e) => e.eventId).join(','))
        .digest('hex')
        .slice(0, 40)}`,
      body,
      contentType: 'application/json',
      applicationProperties: {
        schemaVersion: PACKED_SCHEMA_VERSION,
        events: group.length,
        ...(traceparent === undefined ? {} : { traceparent }),
      },
    });
    group = [];
    bytes = 0;
  };
  for (const event of events) {
    const size = serialisedBytes(event) + 1;
    if (group.length > 0 && bytes + size > PACKED_MESSAGE_BYTES) flush();
    group.push(event);
    bytes += size;
  }
  flush();
  return messages;
}
