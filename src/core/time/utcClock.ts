import { daysFromCivil, weekdayOf } from './civil.js';

const DIGIT_0 = 48;

function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const OFFSET_OR_DATE_ONLY = /(?:Z|[+-]\d{2}:?\d{2})$|^\d{4}-\d{2}-\d{2}$/i;

/** Milliseconds of a timestamp that states its offset; NaN otherwise (no guessing at local time). */
function parseWithOffset(s: string): number {
  return OFFSET_OR_DATE_ONLY.test(s) ? Date.parse(s) : NaN;
}

/**
 * `YYYY-MM-DDTHH…Z` is what ingest writes, so it is read from the characters without allocating;
 * anything else goes through Date.parse.
 */
function isCanonicalUtc(s: string): boolean {
  return (
    s.length >= 17 &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(s.length - 1) === 90
  );
}

/**
 * UTC hour (0-23) and day of week (Monday = 0 … Sunday = 6, pandas `dt.dayofweek`) of an ISO
 * timestamp packed as hour · 8 + weekday, so one read serves both features; -1 when unreadable.
 */
export function utcHourAndWeekday(s: string): number {
  if (isCanonicalUtc(s)) {
    const h = digits(s, 11, 2);
    const y = digits(s, 0, 4);
    const m = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    if (h < 0 || h > 23 || y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return -1;
    return h * 8 + weekdayOf(daysFromCivil(y, m, d));
  }
  const ms = parseWithOffset(s);
  if (Number.isNaN(ms)) return -1;
  const date = new Date(ms);
  return date.getUTCHours() * 8 + ((date.getUTCDay() + 6) % 7);
}

/** UTC hour 0-23, or -1 when the text cannot be read. */
export function utcHour(s: string): number {
  const packed = utcHourAndWeekday(s);
  return packed < 0 ? -1 : packed >> 3;
}

/** UTC day of week, Monday = 0, or -1 when the text cannot be read. */
export function utcWeekday(s: string): number {
  const packed = utcHourAndWeekday(s);
  return packed < 0 ? -1 : packed & 7;
}
