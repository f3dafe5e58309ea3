import { z } from 'zod';

import { type ClientEvent } from './event.js';
import { MAX_TYPE_LENGTH } from './eventLimits.js';
import { isPlainObject, jsonObjectProblem } from './jsonValue.js';
import { civilFromDays, DAY_MS as MS_PER_DAY, daysFromCivil, daysInMonth } from './time/civil.js';
import { userIdProblem } from './userIdRule.js';

/*
 * A hand-written check of `eventSchema` (event.ts) for the ingest hot path. It answers only "certainly
 * valid" (the event, as zod would return it) or "don't know" (undefined: the caller runs zod, which
 * then also produces the exact error messages). It must never accept what zod rejects; the rules
 * checked by hand (userIdRule.ts, jsonValue.ts) are the very functions the schema calls, and where
 * the exact zod behaviour would cost time to reproduce (`link`, `group`, non-plain objects) it gives
 * up and lets zod decide.
 * tests/core/fastEvent.test.ts checks the constants against the schema and runs a differential test.
 */

/**
 * zod's `z.uuid()` pattern is `^(<versioned>|<nil>|<max>)$` with
 * <versioned> = `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}`.
 * A regex spends ~150 ns on a random UUID (one mispredicted branch per hex digit); isUuid checks
 * each position against a class table without branching.
 */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const HEX = 1;
const DASH = 2;
const VERSION = 4; // 1-8
const VARIANT = 8; // 8 9 a b A B
/** For each ASCII code, the classes it belongs to. */
const UUID_CLASSES = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') UUID_CLASSES[c.charCodeAt(0)]! |= HEX;
UUID_CLASSES['-'.charCodeAt(0)]! |= DASH;
for (const c of '12345678') UUID_CLASSES[c.charCodeAt(0)]! |= VERSION;
for (const c of '89abAB') UUID_CLASSES[c.charCodeAt(0)]! |= VARIANT;
/** For each of the 36 positions of <versioned>, the class its character must have. */
const UUID_POSITIONS = new Uint8Array(36).fill(HEX);
UUID_POSITIONS[8] = UUID_POSITIONS[13] = UUID_POSITIONS[18] = UUID_POSITIONS[23] = DASH;
UUID_POSITIONS[14] = VERSION;
UUID_POSITIONS[19] = VARIANT;

/** Exactly zod's `z.uuid()` pattern. */
export function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  let missing = 0;
  let codes = 0;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    codes |= c;
    const want = UUID_POSITIONS[i]!;
    missing |= (UUID_CLASSES[c & 127]! & want) ^ want;
  }
  // codes < 128: every character is ASCII, so `c & 127` was c
  return (missing === 0 && codes < 128) || s === NIL_UUID || s === MAX_UUID;
}

/** zod's own pattern, built with the arguments `z.iso.datetime({ offset: true })` uses. */
const DATETIME = z.regexes.datetime({ offset: true, local: false, precision: null });
const TYPE = /^[a-z0-9_.:-]+$/;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

const isFinite = Number.isFinite;

/** A JSON field (`properties`, `context`, ...) is kept as sent: valid when the shared walk finds nothing. */
const validJson = (v: unknown) => v === undefined || jsonObjectProblem(v) === undefined;

/**
 * Returns the event exactly as `eventSchema.safeParse(raw).data` would (a fresh object, keys in schema
 * order, an optional key present with value undefined kept, JSON fields the very objects sent), when
 * `raw` is certainly valid; otherwise undefined, and the caller must ask zod.
 */
export function fastParseEvent(raw: unknown): ClientEvent | undefined {
  if (!isPlainObject(raw)) return undefined;
  // Strict object: zod's catchall walks for-in (own and inherited enumerable keys, `__proto__` included).
  for (const key in raw) {
    switch (key) {
      case 'eventId':
      case 'userId':
      case 'type':
      case 'occurredAt':
      case 'amount':
      case 'properties':
      case 'context':
      case 'integrations':
      case 'traits':
      case 'traitsOnce':
        continue;
      default:
        // `link`, `group` (identify and group calls) and anything unknown go to zod
        return undefined;
    }
  }
  // Values are read as zod reads them (`input[key]`, presence by `key in input`).
  const userId = raw.userId;
  if (typeof userId !== 'string' || userIdProblem(userId) !== undefined) return undefined;
  const type = raw.type;
  if (typeof type !== 'string' || type.length > MAX_TYPE_LENGTH || !TYPE.test(type)) {
    return undefined;
  }
  const eventId = raw.eventId;
  if (eventId !== undefined && (typeof eventId !== 'string' || !isUuid(eventId))) {
    return undefined;
  }
  const occurredAt = raw.occurredAt;
  if (occurredAt !== undefined && (typeof occurredAt !== 'string' || !DATETIME.test(occurredAt))) {
    return undefined;
  }
  const amount = raw.amount;
  if (amount !== undefined && (typeof amount !== 'number' || !isFinite(amount))) return undefined;
  const { properties, context, integrations, traits, traitsOnce } = raw;
  if (
    !validJson(properties) ||
    !validJson(context) ||
    !validJson(integrations) ||
    !validJson(traits) ||
    !validJson(traitsOnce)
  ) {
    return undefined;
  }

  // Keys in schema order, as zod builds its output; a present key whose value is undefined is kept.
  // Lower case, as eventSchema's transform returns it (UUIDs are case-insensitive).
  const out: Writable<ClientEvent> =
    eventId !== undefined || 'eventId' in raw
      ? { eventId: eventId?.toLowerCase(), userId, type }
      : { userId, type };
  if (occurredAt !== undefined || 'occurredAt' in raw) out.occurredAt = occurredAt;
  if (amount !== undefined || 'amount' in raw) out.amount = amount;
  if (properties !== undefined || 'properties' in raw) out.properties = properties as never;
  if (context !== undefined || 'context' in raw) out.context = context as never;
  if (integrations !== undefined || 'integrations' in raw) {
    out.integrations = integrations as never;
  }
  if (traits !== undefined || 'traits' in raw) out.traits = traits as never;
  if (traitsOnce !== undefined || 'traitsOnce' in raw) out.traitsOnce = traitsOnce as never;
  return out;
}

/*
 * Timestamps. V8's Date.parse and Date#toISOString are runtime calls costing ~0.15 and ~0.5 µs, more
 * than the rest of an event's validation; these do the same arithmetic in JS for the forms the ingest
 * sees and defer to the built-ins for anything else.
 */

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: toISOString writes a 4-digit year between them. */
const MIN_ISO_MS = -62_167_219_200_000;
const MAX_ISO_MS = 253_402_300_799_999;
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** The two-digit number at s[i], s[i + 1], or -1; both indexes must be in range. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `Date.parse(s)` for `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with fields in range (what zod's
 * datetime pattern admits) and a fraction of at most 9 digits, computed in JS: the fraction is
 * truncated to milliseconds as V8 does. Any other string goes to Date.parse.
 */
export function parseTimestamp(s: string): number {
  const n = s.length;
  if (
    n < 20 ||
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== 58 || // :
    s.charCodeAt(16) !== 58
  ) {
    return Date.parse(s);
  }
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  const year = century * 100 + yy;
  if (
    century < 0 ||
    yy < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return Date.parse(s);
  }
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    // .fraction: the first three digits are milliseconds, the rest is dropped
    const start = ++i;
    for (; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (i === start) ms = d * 100;
      else if (i === start + 1) ms += d * 10;
      else if (i === start + 2) ms += d;
    }
    // V8 reads at most 9 significant digits, after skipping leading zeros: `.0787830990` is 787 ms there.
    // Up to 9 digits its result is plainly the first three; longer fractions are left to it.
    if (i === start || i - start > 9) return Date.parse(s);
  }
  let offsetMs = 0;
  const c = s.charCodeAt(i);
  if (c === 90 && i + 1 === n) {
    // Z
  } else if ((c === 43 || c === 45) && i + 6 === n && s.charCodeAt(i + 3) === 58) {
    const offsetHour = twoDigits(s, i + 1);
    const offsetMinute = twoDigits(s, i + 4);
    if (offsetHour < 0 || offsetHour > 23 || offsetMinute < 0 || offsetMinute > 59) {
      return Date.parse(s);
    }
    offsetMs = (offsetHour * 60 + offsetMinute) * 60_000;
    if (c === 45) offsetMs = -offsetMs;
  } else {
    return Date.parse(s);
  }
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    hour * 3_600_000 +
    minute * 60_000 +
    second * 1000 +
    ms -
    offsetMs
  );
}

/** The last day formatted: events of a batch mostly share it. */
let lastDay = NaN;
let lastDayPrefix = '';

/** `new Date(ms).toISOString()`, in JS for integral times in years 0000-9999; anything else goes to the built-in. */
export function formatTimestamp(ms: number): string {
  if (!(ms >= MIN_ISO_MS && ms <= MAX_ISO_MS) || !Number.isInteger(ms)) {
    return new Date(ms).toISOString();
  }
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  if (days !== lastDay) {
    const { year, month, day } = civilFromDays(days);
    lastDayPrefix = `${PAD2[Math.floor(year / 100)]}${PAD2[year % 100]}-${PAD2[month]}-${PAD2[day]}T`;
    lastDay = days;
  }
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  rest -= second * 1000;
  return `${lastDayPrefix}${PAD2[hour]}:${PAD2[minute]}:${PAD2[second]}.${PAD3[rest]}Z`;
}
