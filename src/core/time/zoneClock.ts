import { fromDayNumber } from './calendarDay.js';
import { DAY_MS, daysFromCivil } from './civil.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Hours whose offset is remembered; a batch spans a few, a replay walks forward through them. */
const CACHE_HOURS = 50_000;
const MIXED = Number.NaN;

/** The canonical IANA name of a zone Intl knows (e.g. `utc` → `UTC`), or undefined. */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.trim() === '' || name !== name.trim()) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The calendar of one zone: which local day an instant falls on, and when a local day starts. The
 * zone's rules come from Intl (the ICU time zone data Node ships), so there is no tz database here;
 * the offset is looked up once per UTC hour and cached, because the day is computed for every event
 * on the scorer path and Intl formatting costs microseconds. An hour in which the offset changes
 * (transitions at :30 UTC, e.g. Australia/Lord_Howe) is marked mixed and asks Intl for each instant.
 */
export interface ZoneClock {
  readonly zone: string;
  /** Milliseconds to add to a UTC instant to read the local wall clock. */
  offsetAt: (ms: number) => number;
  /** The local day number (days since 1970-01-01 of the local date) of an instant. */
  dayNumberOf: (ms: number) => number;
  /** The local day (YYYY-MM-DD) of an instant given as epoch milliseconds or ISO text with an offset. */
  dayOf: (timestamp: number | string) => string;
  /** The first instant (epoch ms) of a local day: 23 or 25 hours before the next one across DST. */
  startOfDay: (dayNumber: number) => number;
}

export function createZoneClock(zone: string): ZoneClock {
  const canonical = canonicalTimeZone(zone);
  if (canonical === undefined) throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
  const fixedUtc = canonical === 'UTC' || canonical === 'Etc/UTC';
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: canonical,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

  /** Offset from Intl: the wall clock read as UTC minus the instant, both whole seconds. */
  const intlOffset = (ms: number): number => {
    const seconds = Math.floor(ms / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of format.formatToParts(seconds)) {
      if (part.type === 'year') year = Number(part.value);
      else if (part.type === 'month') month = Number(part.value);
      else if (part.type === 'day') day = Number(part.value);
      else if (part.type === 'hour') hour = Number(part.value);
      else if (part.type === 'minute') minute = Number(part.value);
      else if (part.type === 'second') second = Number(part.value);
      else if (part.type === 'era') bc = part.value.startsWith('B');
    }
    const y = bc ? 1 - year : year;
    const wall = daysFromCivil(y, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS;
    return wall + second * 1000 - seconds;
  };

  const hours = new Map<number, number>();
  let lastHour = Number.NaN;
  let lastOffset = 0;

  const offsetAt = (ms: number): number => {
    if (fixedUtc) return 0;
    const hour = Math.floor(ms / HOUR_MS);
    if (hour === lastHour && !Number.isNaN(lastOffset)) return lastOffset;
    let offset = hours.get(hour);
    if (offset === undefined) {
      const start = hour * HOUR_MS;
      const atStart = intlOffset(start);
      offset = intlOffset(start + HOUR_MS - 1) === atStart ? atStart : MIXED;
      if (hours.size >= CACHE_HOURS) hours.clear();
      hours.set(hour, offset);
    }
    lastHour = hour;
    lastOffset = offset;
    return Number.isNaN(offset) ? intlOffset(ms) : offset;
  };

  const dayNumberOf = (ms: number): number => Math.floor((ms + offsetAt(ms)) / DAY_MS);
  // The events of a batch mostly share a day: its text is kept.
  let lastDay = Number.NaN;
  let lastDayText = '';

  return {
    zone: canonical,
    offsetAt,
    dayNumberOf,
    dayOf(timestamp) {
      const ms = typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
      const day = dayNumberOf(ms);
      if (day !== lastDay) {
        lastDayText = fromDayNumber(day);
        lastDay = day;
      }
      return lastDayText;
    },
    startOfDay(n) {
      // Local midnight is at n·DAY − offset; the offset there may differ from the guess, so the
      // guess is corrected once; a day that starts in a gap (no 00:00) starts at the gap's end.
      const midnight = n * DAY_MS;
      let t = midnight - offsetAt(midnight);
      t = midnight - offsetAt(t);
      while (dayNumberOf(t - 1) >= n) t -= MINUTE_MS * 15;
      while (dayNumberOf(t) < n) t += MINUTE_MS;
      return t;
    },
  };
}
