import { z } from 'zod';

import { type ClientEvent, MAX_PROPERTIES } from './event.js';

/*
 * A hand-written check of `eventSchema` (event.ts) for the ingest hot path. It answers only "certainly
 * valid" (the event, as zod would return it) or "don't know" (undefined: the caller runs zod, which
 * then also produces the exact error messages). It must never accept what zod rejects; where the
 * exact zod behaviour would cost time to reproduce (strings measured in code points, `__proto__`
 * property names, non-plain objects, symbol keys) it gives up and lets zod decide.
 * tests/core/fastEvent.test.ts checks these constants against the schema and runs a differential test.
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
/** As in event.ts. ASCII only, so UTF-16 length equals zod's code-point length. */
const USER_ID = /^[A-Za-z0-9_.:@-]+$/;
const USER_ID_MAX = 128;
const TYPE = /^[a-z0-9_.:-]+$/;
const TYPE_MAX = 64;
const PROPERTY_NAME_MAX = 64;
const PROPERTY_STRING_MAX = 1024;

type Properties = NonNullable<ClientEvent['properties']>;
type Writable<T> = { -readonly [K in keyof T]: T[K] };

const objectPrototype = Object.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertySymbols = Object.getOwnPropertySymbols;
const isFinite = Number.isFinite;

/** An ordinary object whose prototype is Object.prototype or null: what JSON.parse makes. Anything else goes to zod. */
function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = getPrototypeOf(v);
  return proto === objectPrototype || proto === null;
}

/**
 * `properties` as zod's record returns it (a fresh object with the same own keys, in the same order),
 * or undefined when zod might reject it or return something else.
 */
function fastProperties(raw: unknown): Properties | undefined {
  if (!isPlain(raw)) return undefined;
  const out: Properties = {};
  let count = 0;
  for (const key in raw) {
    // zod's record reads own keys only; an inherited enumerable key (a polluted prototype) is not worth modelling.
    if (!Object.hasOwn(raw, key)) return undefined;
    // zod measures names in code points; a name over the limit in UTF-16 units may still fit, so let zod count.
    // zod silently drops an own `__proto__` key (and assigning it here would set the prototype).
    if (key.length === 0 || key.length > PROPERTY_NAME_MAX || key === '__proto__') return undefined;
    const value = raw[key];
    if (typeof value === 'string') {
      if (value.length > PROPERTY_STRING_MAX) return undefined;
    } else if (typeof value === 'number') {
      if (!isFinite(value)) return undefined;
    } else if (typeof value !== 'boolean' && value !== null) {
      return undefined;
    }
    if (++count > MAX_PROPERTIES) return undefined;
    out[key] = value;
  }
  // zod's record walks Reflect.ownKeys, so an enumerable symbol key is an invalid key there; for-in never sees one.
  // This runtime call is about a fifth of validateEvents' time per event; only a guarantee that the input
  // came from JSON.parse (which makes no symbols) would let it go.
  if (getOwnPropertySymbols(raw).length !== 0) return undefined;
  return out;
}

/**
 * Returns the event exactly as `eventSchema.safeParse(raw).data` would (a fresh object, keys in schema
 * order, an optional key present with value undefined kept), when `raw` is certainly valid; otherwise
 * undefined, and the caller must ask zod.
 */
export function fastParseEvent(raw: unknown): ClientEvent | undefined {
  if (!isPlain(raw)) return undefined;
  // Strict object: zod's catchall walks for-in (own and inherited enumerable keys, `__proto__` included).
  for (const key in raw) {
    switch (key) {
      case 'eventId':
      case 'userId':
      case 'type':
      case 'occurredAt':
      case 'amount':
      case 'properties':
        continue;
      default:
        return undefined;
    }
  }
  // Values are read as zod reads them (`input[key]`, presence by `key in input`).
  const userId = raw.userId;
  if (typeof userId !== 'string' || userId.length > USER_ID_MAX || !USER_ID.test(userId)) {
    return undefined;
  }
  const type = raw.type;
  if (typeof type !== 'string' || type.length > TYPE_MAX || !TYPE.test(type)) return undefined;
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
  const rawProperties = raw.properties;
  let properties: Properties | undefined;
  if (rawProperties !== undefined) {
    properties = fastProperties(rawProperties);
    if (properties === undefined) return undefined;
  }

  // Keys in schema order, as zod builds its output; a present key whose value is undefined is kept.
  // Lower case, as eventSchema's transform returns it (UUIDs are case-insensitive).
  const out: Writable<ClientEvent> =
    eventId !== undefined || 'eventId' in raw
      ? { eventId: eventId?.toLowerCase(), userId, type }
      : { userId, type };
  if (occurredAt !== undefined || 'occurredAt' in raw) out.occurredAt = occurredAt;
  if (amount !== undefined || 'amount' in raw) out.amount = amount;
  if (properties !== undefined || 'properties' in raw) out.properties = properties;
  return out;
}

/*
 * Timestamps. V8's Date.parse and Date#toISOString are runtime calls costing ~0.15 and ~0.5 µs, more
 * than the rest of an event's validation; these do the same arithmetic in JS for the forms the ingest
 * sees and defer to the built-ins for anything else.
 */

const MS_PER_DAY = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: toISOString writes a 4-digit year between them. */
const MIN_ISO_MS = -62_167_219_200_000;
const MAX_ISO_MS = 253_402_300_799_999;
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

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
    // H. Hinnant's civil_from_days
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
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
