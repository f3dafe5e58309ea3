import type { FieldError } from '../event.js';

const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const MAX_DATE_MS = 8.64e15;

export type TimeOutcome = { ok: true; occurredAt?: string } | { ok: false; error: FieldError };

function parse(value: unknown, path: string): number | FieldError {
  const ms = typeof value === 'string' && ISO_WITH_OFFSET.test(value) ? Date.parse(value) : NaN;
  if (Number.isFinite(ms)) return ms;
  return {
    path,
    code: 'invalid_timestamp',
    message: 'must be an ISO-8601 timestamp with an offset',
  };
}

/**
 * `timestamp` corrected for the client's clock: receivedAt − (sentAt − timestamp). Without sentAt the
 * timestamp is taken as sent; without a timestamp the event happened at receipt (occurredAt absent).
 */
export function correctedTime(
  timestamp: { value: unknown; path: string },
  sentAt: { value: unknown; path: string } | undefined,
  now: number,
): TimeOutcome {
  if (timestamp.value === undefined || timestamp.value === null) return { ok: true };
  const at = parse(timestamp.value, timestamp.path);
  if (typeof at !== 'number') return { ok: false, error: at };
  let skew = 0;
  if (sentAt !== undefined && sentAt.value !== undefined && sentAt.value !== null) {
    const sent = parse(sentAt.value, sentAt.path);
    if (typeof sent !== 'number') return { ok: false, error: sent };
    skew = sent - now;
  }
  const occurred = at - skew;
  if (!(Math.abs(occurred) <= MAX_DATE_MS)) {
    return {
      ok: false,
      error: {
        path: timestamp.path,
        code: 'out_of_range',
        message: 'after skew correction, out of range',
      },
    };
  }
  return { ok: true, occurredAt: new Date(occurred).toISOString() };
}
