import { z } from 'zod';

import { type AcceptedEvent, acceptedEventSchema } from '../event.js';

/** One archive line: the event as accepted (receivedAt, source included) plus its trace id. */
export const archivedEventSchema = acceptedEventSchema.extend({
  /** W3C traceparent of the ingest request, as carried on the queue message. */
  traceparent: z.string().min(1).max(128).optional(),
});
export type ArchivedEvent = z.infer<typeof archivedEventSchema>;

const ACCEPTED_KEYS = Object.keys(acceptedEventSchema.shape) as (keyof AcceptedEvent)[];

/** Keeps only the accepted-event fields of `event` (a scored document has more) and adds the trace. */
export function toArchivedEvent(event: AcceptedEvent, traceparent?: string): ArchivedEvent {
  const out: Record<string, unknown> = {};
  for (const key of ACCEPTED_KEYS) if (event[key] !== undefined) out[key] = event[key];
  if (traceparent !== undefined) out.traceparent = traceparent;
  return out as ArchivedEvent;
}
