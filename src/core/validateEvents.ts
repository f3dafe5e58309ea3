import {
  type AcceptedEvent,
  batchSchema,
  type ClientEvent,
  eventSchema,
  type FieldError,
  MAX_EVENT_BYTES,
  MAX_FUTURE_MS,
  toFieldErrors,
} from './event.js';
import { fastParseEvent, formatTimestamp, parseTimestamp } from './fastEvent.js';
import { serialisedBytes } from './serialisedBytes.js';

export type EventStatus = 'accepted' | 'rejected' | 'duplicate';

export interface EventResult {
  index: number;
  eventId: string | null;
  status: EventStatus;
  errors?: FieldError[];
  /** For a repeated eventId: the index of the occurrence that was accepted. */
  duplicateOf?: number;
}

export type Validation =
  | { kind: 'events'; accepted: AcceptedEvent[]; results: EventResult[] }
  | { kind: 'invalidBody'; errors: FieldError[] };

export interface ValidateDeps {
  /** Receive time, epoch ms. */
  now: number;
  /** An id for the event at `index` of the request that came without one. */
  newId: (index: number) => string;
  /** The name of the key that sent the request, stored as `source`. */
  source?: string;
  /** Size of the decoded body in bytes; when no larger than one event may be, per-event size checks are skipped. */
  bodyBytes: number;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const MIN_TIME_MS = Date.parse('0000-01-01T00:00:00Z');

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The client's eventId as sent, for a rejected event's result. */
const rawIdOf = (raw: unknown): string | null =>
  isObject(raw) && typeof raw.eventId === 'string' ? raw.eventId : null;

/**
 * `{ ...data without occurredAt, eventId, occurredAt, receivedAt }` without the object rest/spread, keys
 * in the same order: a key present in `data` keeps its place (even with value undefined), eventId is
 * appended when absent.
 */
function toAccepted(
  data: ClientEvent,
  hasEventId: boolean,
  eventId: string,
  occurredAt: string,
  receivedAt: string,
  source: string | undefined,
): AcceptedEvent {
  // data's keys are in schema order (eventId, userId, type, occurredAt, amount, properties), from zod or fastParseEvent.
  const event = (
    hasEventId
      ? { eventId, userId: data.userId, type: data.type }
      : { userId: data.userId, type: data.type }
  ) as Writable<AcceptedEvent>;
  if ('amount' in data) event.amount = data.amount;
  if ('properties' in data) event.properties = data.properties;
  if (!hasEventId) event.eventId = eventId;
  event.occurredAt = occurredAt;
  event.receivedAt = receivedAt;
  if (source !== undefined) event.source = source;
  return event;
}

/**
 * Validates a parsed ingest body (one event, or a batch `{ sentAt?, events }`), giving each event its
 * own result. Accepted events get an id, a UTC occurredAt corrected for client clock skew, and receivedAt.
 */
export function validateEvents(body: unknown, deps: ValidateDeps): Validation {
  if (!isObject(body)) {
    return {
      kind: 'invalidBody',
      errors: [
        {
          path: '(root)',
          code: 'invalid_type',
          message: 'body must be an event object or a batch { "events": [...] }',
        },
      ],
    };
  }
  let raws: unknown[];
  let skewMs = 0;
  if ('events' in body) {
    const batch = batchSchema.safeParse(body);
    if (!batch.success) return { kind: 'invalidBody', errors: toFieldErrors(batch.error) };
    raws = batch.data.events;
    if (batch.data.sentAt !== undefined) skewMs = Date.parse(batch.data.sentAt) - deps.now;
  } else {
    raws = [body];
  }

  const receivedAt = new Date(deps.now).toISOString();
  const checkSize = deps.bodyBytes > MAX_EVENT_BYTES;
  const accepted: AcceptedEvent[] = [];
  const results: EventResult[] = [];
  const seen = new Map<string, number>();

  for (let index = 0; index < raws.length; index++) {
    const raw = raws[index];
    if (checkSize && serialisedBytes(raw) > MAX_EVENT_BYTES) {
      results.push({
        index,
        eventId: rawIdOf(raw),
        status: 'rejected',
        errors: [
          {
            path: '(root)',
            code: 'too_big',
            message: `event must be at most ${MAX_EVENT_BYTES} bytes serialised`,
          },
        ],
      });
      continue;
    }
    // The hand-written check accepts the common valid shapes; anything else (and every invalid event) goes through zod.
    let data = fastParseEvent(raw);
    let errors: FieldError[] | undefined;
    if (data === undefined) {
      const parsed = eventSchema.safeParse(raw);
      if (parsed.success) data = parsed.data;
      else errors = toFieldErrors(parsed.error);
    }
    if (data === undefined) {
      results.push({ index, eventId: rawIdOf(raw), status: 'rejected', errors: errors ?? [] });
      continue;
    }
    // Without occurredAt the event happened at receipt: occurredMs = now, so its ISO form is receivedAt.
    let occurredAt = receivedAt;
    if (data.occurredAt !== undefined) {
      // occurredAt := receivedAt − (sentAt − occurredAt): the client's clock error cancels out.
      const occurredMs = parseTimestamp(data.occurredAt) - skewMs;
      let error: FieldError | undefined;
      if (!(occurredMs >= MIN_TIME_MS)) {
        error = {
          path: 'occurredAt',
          code: 'out_of_range',
          message: 'after skew correction, must be in years 0000-9999',
        };
      } else if (occurredMs > deps.now + MAX_FUTURE_MS) {
        error = {
          path: 'occurredAt',
          code: 'too_far_in_future',
          message: 'must be at most 1 hour after the time received',
        };
      }
      if (error !== undefined) {
        results.push({ index, eventId: rawIdOf(raw), status: 'rejected', errors: [error] });
        continue;
      }
      occurredAt = formatTimestamp(occurredMs);
    }
    const hasEventId = 'eventId' in data;
    const eventId = data.eventId ?? deps.newId(index);
    const first = seen.get(eventId);
    if (first !== undefined) {
      results.push({ index, eventId, status: 'duplicate', duplicateOf: first });
      continue;
    }
    seen.set(eventId, index);
    accepted.push(toAccepted(data, hasEventId, eventId, occurredAt, receivedAt, deps.source));
    results.push({ index, eventId, status: 'accepted' });
  }
  return { kind: 'events', accepted, results };
}
