/** Version 2: the body holds the events of one request, `{ events: AcceptedEvent[] }`. */
export const PACKED_SCHEMA_VERSION = 2;

export interface PackedBody {
  events: unknown[];
}

/** One event of a delivered batch, with what the scorer needs to dead-letter or correlate it. */
export interface UnpackedEvent {
  body: unknown;
  /** The message id, and `#<k>` for the k-th event of a packed message: the dead letter's key. */
  key: string;
  traceparent: string | undefined;
}

/**
 * The events of a batch of messages, in order: a packed message (a body with an `events` array and
 * no eventId, which no single event can have) gives each of its events; any other body is one event.
 */
export function unpackMessages(
  bodies: readonly unknown[],
  keyOf: (index: number) => string,
  traceparentOf: (index: number) => string | undefined,
): UnpackedEvent[] {
  const out: UnpackedEvent[] = [];
  bodies.forEach((body, i) => {
    const traceparent = traceparentOf(i);
    if (isPacked(body)) {
      body.events.forEach((event, k) =>
        out.push({ body: event, key: `${keyOf(i)}#${k}`, traceparent }),
      );
    } else {
      out.push({ body, key: keyOf(i), traceparent });
    }
  });
  return out;
}

/** A packed body: an `events` array and no eventId, which no single event can have. */
export function isPacked(body: unknown): body is PackedBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Array.isArray((body as { events?: unknown }).events) &&
    !Object.hasOwn(body, 'eventId')
  );
}
