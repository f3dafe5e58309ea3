import type { ServiceBusMessage } from '@azure/service-bus';

import type { AcceptedEvent } from '../../core/event.js';

/** Bumped when the message body stops being an AcceptedEvent as it is today. */
export const MESSAGE_SCHEMA_VERSION = 1;

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
