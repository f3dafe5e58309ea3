import {
  batchSchema,
  eventSchema,
  MAX_EVENT_BYTES,
  MAX_FUTURE_MS,
  toFieldErrors,
  type AcceptedEvent,
  type FieldError,
} from './event.js';

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
  newId: () => string;
  /** Size of the decoded body in bytes; when no larger than one event may be, per-event size checks are skipped. */
  bodyBytes: number;
}

const MIN_TIME_MS = Date.parse('0000-01-01T00:00:00Z');

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

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
    const rawId = isObject(raw) && typeof raw.eventId === 'string' ? raw.eventId : null;
    if (checkSize && Buffer.byteLength(JSON.stringify(raw) ?? '') > MAX_EVENT_BYTES) {
      results.push({
        index,
        eventId: rawId,
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
    const parsed = eventSchema.safeParse(raw);
    const errors = parsed.success ? [] : toFieldErrors(parsed.error);
    let occurredMs = deps.now;
    if (parsed.success && parsed.data.occurredAt !== undefined) {
      // occurredAt := receivedAt − (sentAt − occurredAt): the client's clock error cancels out.
      occurredMs = Date.parse(parsed.data.occurredAt) - skewMs;
      if (!(occurredMs >= MIN_TIME_MS)) {
        errors.push({
          path: 'occurredAt',
          code: 'out_of_range',
          message: 'after skew correction, must be in years 0000-9999',
        });
      } else if (occurredMs > deps.now + MAX_FUTURE_MS) {
        errors.push({
          path: 'occurredAt',
          code: 'too_far_in_future',
          message: 'must be at most 1 hour after the time received',
        });
      }
    }
    if (!parsed.success || errors.length > 0) {
      results.push({ index, eventId: rawId, status: 'rejected', errors });
      continue;
    }
    const eventId = parsed.data.eventId ?? deps.newId();
    const first = seen.get(eventId);
    if (first !== undefined) {
      results.push({ index, eventId, status: 'duplicate', duplicateOf: first });
      continue;
    }
    seen.set(eventId, index);
    const { occurredAt: _ignored, ...rest } = parsed.data;
    accepted.push({ ...rest, eventId, occurredAt: new Date(occurredMs).toISOString(), receivedAt });
    results.push({ index, eventId, status: 'accepted' });
  }
  return { kind: 'events', accepted, results };
}
