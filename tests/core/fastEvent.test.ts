import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import {
  type AcceptedEvent,
  batchSchema,
  eventSchema,
  MAX_EVENT_BYTES,
  MAX_FUTURE_MS,
  toFieldErrors,
} from '../../src/core/event.js';
import {
  fastParseEvent,
  formatTimestamp,
  isUuid,
  parseTimestamp,
} from '../../src/core/fastEvent.js';
import {
  type EventResult,
  type ValidateDeps,
  validateEvents,
  type Validation,
} from '../../src/core/validateEvents.js';

/** Seeded PRNG (mulberry32): the same cases on every run. */
function prng(seed: number) {
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const HEX = '0123456789abcdef';
const hexString = (r: Rng, n: number) => Array.from({ length: n }, () => r.pick([...HEX])).join('');

/** Same prototype, same own keys in the same order, values Object.is or recursively the same. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b);
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) =>
    sameValue((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k]),
  );
}

const describeValue = (v: unknown) => {
  try {
    return JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'number' && !Number.isFinite(x) ? String(x) : x,
    );
  } catch {
    return String(v);
  }
};

// ---------------------------------------------------------------------------------------------
// Value pools at and around each rule's boundaries.

function uuidCandidates(r: Rng): unknown[] {
  const some = () => {
    const version = r.pick([...'0123456789abcdefABCDEF']);
    const variant = r.pick([...'0123456789abcdefABCDEF']);
    const u = `${hexString(r, 8)}-${hexString(r, 4)}-${version}${hexString(r, 3)}-${variant}${hexString(r, 3)}-${hexString(r, 12)}`;
    return r.pick([
      u,
      u,
      u.toUpperCase(),
      [...u].map((c) => (r.chance(0.5) ? c.toUpperCase() : c)).join(''),
    ]);
  };
  const valid = `${hexString(r, 8)}-${hexString(r, 4)}-${r.pick([...'12345678'])}${hexString(r, 3)}-${r.pick([...'89abAB'])}${hexString(r, 3)}-${hexString(r, 12)}`;
  const at = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);
  return [
    some(),
    some(),
    valid,
    valid.toUpperCase(),
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    'fffffffF-ffff-ffff-ffff-ffffffffffff',
    '00000000-0000-0000-0000-000000000001',
    '00000000-0000-4000-8000-000000000000',
    valid.slice(1),
    `${valid}0`,
    `{${valid}}`,
    ` ${valid}`,
    `${valid}\n`,
    valid.replaceAll('-', ''),
    at(
      valid,
      r.int(36),
      r.pick(['g', 'G', 'z', '-', ' ', 'á', '\u00e1', '\u0161', '\u0130', '0', 'F']),
    ),
    // characters whose code & 127 is a hex digit or '-'
    at(valid, r.int(36), r.pick(['\u00b0', '\u00e1', '\u00c1', '\u01b0', '\u00ad', '\u0130'])),
    at(valid, r.pick([8, 13, 18, 23]), r.pick(['_', '\u2010', '\u00ad', 'a'])),
    '',
    123,
    null,
    true,
    {},
    [valid],
  ];
}

function tokenCandidates(r: Rng, allowed: string, max: number, sample: string): unknown[] {
  const many = (n: number) => Array.from({ length: n }, () => r.pick([...allowed])).join('');
  const bad = [
    ' ',
    '/',
    '#',
    '+',
    '!',
    '\n',
    '\t',
    'é',
    '\u00df',
    '😀',
    '\u0000',
    'ǅ',
    'ß',
    '%',
    ',',
    '\u212a',
  ];
  return [
    sample,
    many(1),
    many(1 + r.int(max)),
    many(max),
    many(max + 1),
    many(max + 1 + r.int(200)),
    ...[...allowed].filter(() => r.chance(0.15)),
    r.pick([...allowed]),
    many(r.int(10)) + r.pick(bad) + many(r.int(10)),
    r.pick(bad),
    sample.toUpperCase(),
    '',
    1,
    null,
    ['a'],
    { a: 'b' },
    new String(sample),
  ];
}

const daysIn = (y: number, m: number) =>
  m === 2
    ? (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(m)
      ? 30
      : 31;

/** An ISO-8601-like timestamp, usually of a form zod accepts, often a near miss. */
function timestampString(r: Rng): string {
  const year = r.chance(0.5)
    ? r.pick([
        0, 1, 4, 96, 100, 400, 1582, 1900, 1970, 1999, 2000, 2023, 2024, 2026, 2100, 2400, 9999,
      ])
    : r.int(10000);
  const month = r.chance(0.95) ? 1 + r.int(12) : r.pick([0, 13, 19, 99]);
  const dim = month >= 1 && month <= 12 ? daysIn(year, month) : 31;
  const day = r.chance(0.9) ? 1 + r.int(dim) : r.pick([0, dim, dim + 1, 29, 30, 31, 32]);
  const hour = r.chance(0.95) ? r.int(24) : r.pick([24, 25, 99]);
  const minute = r.chance(0.95) ? r.int(60) : r.pick([60, 99]);
  const second = r.chance(0.95) ? r.int(60) : r.pick([60, 61, 99]);
  const fraction = r.pick([
    '',
    '',
    '',
    `.${pad(r.int(1000), 3)}`,
    `.${hexString(r, 1 + r.int(12)).replace(/[a-f]/g, '7')}`,
    `.${'9'.repeat(1 + r.int(40))}`,
    '.',
    ',123',
    '.12a',
    '.-1',
  ]);
  const oh = r.chance(0.9) ? r.int(24) : r.pick([24, 99]);
  const om = r.chance(0.9) ? r.int(60) : r.pick([60, 99]);
  const zone = r.pick([
    'Z',
    'Z',
    `+${pad(oh, 2)}:${pad(om, 2)}`,
    `-${pad(oh, 2)}:${pad(om, 2)}`,
    '+00:00',
    '-00:00',
    'z',
    '',
    `+${pad(oh, 2)}${pad(om, 2)}`,
    `+${pad(oh, 2)}`,
    `+${pad(oh, 2)}:${pad(om, 2)}:00`,
    ' Z',
    'Z\n',
    'UTC',
    '+5:30',
  ]);
  const date = r.chance(0.97)
    ? `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
    : r.pick([
        `+0${pad(year, 5)}-01-01`,
        `${year}-${month}-${day}`,
        `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}`,
      ]);
  const sep = r.chance(0.95) ? 'T' : r.pick(['t', ' ', '_', '']);
  const time = r.chance(0.95)
    ? `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`
    : r.pick([
        `${pad(hour, 2)}:${pad(minute, 2)}`,
        `${pad(hour, 2)}${pad(minute, 2)}${pad(second, 2)}`,
        `${hour}:${minute}:${second}`,
      ]);
  const s = `${date}${sep}${time}${fraction}${zone}`;
  return r.chance(0.02) ? r.pick([` ${s}`, `${s} `, s.replace('-', '\u2010'), s.slice(0, -1)]) : s;
}

function timestampCandidates(r: Rng): unknown[] {
  return [
    timestampString(r),
    timestampString(r),
    timestampString(r),
    '2026-11-24T08:15:00Z',
    '2026-11-24T08:15:00.123+05:30',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '0000-02-29T00:00:00Z',
    '2026-11-24T08:15Z',
    '2026-11-24',
    '2026-11-24T08:15:00',
    '',
    Date.parse('2026-11-24T08:15:00Z'),
    new Date('2026-11-24T08:15:00Z'),
    null,
  ];
}

function numberCandidates(r: Rng): unknown[] {
  return [
    0,
    -0,
    1,
    -1,
    19.99,
    r.next() * 1e6,
    -r.next() * 1e6,
    1e308,
    -1e308,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER + 2,
    NaN,
    Infinity,
    -Infinity,
    '1',
    '',
    null,
    true,
    [1],
    {},
    10n,
  ];
}

function keyCandidates(r: Rng): string[] {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.$ /';
  const word = (n: number) => Array.from({ length: n }, () => r.pick([...chars])).join('');
  return [
    'device',
    'path',
    word(1),
    word(1 + r.int(64)),
    word(64),
    word(65),
    '',
    '0',
    '1',
    '01',
    '4294967295',
    'constructor',
    'toString',
    'hasOwnProperty',
    'isPrototypeOf',
    'valueOf',
    '😀'.repeat(32),
    '😀'.repeat(33),
    `${'a'.repeat(63)}😀`,
    '\ud800'.repeat(64),
    'é'.repeat(64),
    'é'.repeat(65),
  ];
}

function propertyValueCandidates(r: Rng): unknown[] {
  return [
    'mobile',
    `/products/${r.int(1000)}`,
    '',
    'x'.repeat(1024),
    'x'.repeat(1025),
    '😀'.repeat(512),
    '😀'.repeat(513),
    '😀'.repeat(1024),
    `${'x'.repeat(1023)}😀`,
    0,
    -0,
    1.5,
    1e308,
    NaN,
    Infinity,
    -Infinity,
    true,
    false,
    null,
    undefined,
    { nested: 1 },
    [1, 2],
    [],
    new Date(0),
    10n,
    Symbol('s'),
    () => 1,
  ];
}

function propertiesCandidate(r: Rng): unknown {
  switch (r.int(14)) {
    case 0:
      return {};
    case 1:
    case 2:
    case 3: {
      const p: Record<string, unknown> = {};
      const n = r.pick([1, 2, 3, 5, 49, 50, 50, 51, 52]);
      for (let i = 0; i < n; i++) p[`k${i}`] = r.pick(['v', 1, true, null]);
      return p;
    }
    case 4:
    case 5:
    case 6: {
      const p: Record<string, unknown> = { device: 'mobile', path: '/products/1' };
      for (let i = r.int(3); i >= 0; i--)
        p[r.pick(keyCandidates(r))] = r.pick(propertyValueCandidates(r));
      return p;
    }
    case 7:
      return JSON.parse(
        r.pick([
          '{"__proto__":1}',
          '{"__proto__":{"a":1},"b":2}',
          '{"constructor":"x"}',
          '{"constructor":{"a":1}}',
          '{"a":1,"__proto__":"x"}',
        ]),
      );
    case 8: {
      const p = Object.create(null) as Record<string, unknown>;
      p.device = 'mobile';
      if (r.chance(0.5)) Object.assign(p, { constructor: r.pick(['x', 1, null, {}]) });
      return p;
    }
    case 9: {
      const p: Record<PropertyKey, unknown> = { device: 'mobile' };
      const s = Symbol('k');
      if (r.chance(0.5)) p[s] = 'v';
      else Object.defineProperty(p, s, { value: 'v', enumerable: false });
      return p;
    }
    case 10: {
      const p = Object.create(
        r.pick([{ inherited: 'x' }, Object.create(Object.prototype)]),
      ) as Record<string, unknown>;
      p.device = 'mobile';
      return p;
    }
    case 11: {
      const p: Record<string, unknown> = { device: 'mobile' };
      Object.defineProperty(p, r.pick(['hidden', '', 'x'.repeat(100)]), {
        value: r.pick(['v', { nested: 1 }, NaN]),
        enumerable: false,
      });
      return p;
    }
    case 12:
      return r.pick([
        [],
        ['a'],
        'props',
        1,
        null,
        true,
        new Map([['a', 1]]),
        new Date(0),
        new (class P {
          a = 1;
        })(),
      ]);
    default: {
      const p: Record<string, unknown> = {};
      p[r.pick(keyCandidates(r))] = r.pick(propertyValueCandidates(r));
      return p;
    }
  }
}

const BASE = {
  eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
  userId: 'user-123',
  type: 'page_view',
  occurredAt: '2026-11-24T08:15:00Z',
  amount: 12.5,
  properties: { device: 'mobile', path: '/products/1' },
};
const FIELDS = ['eventId', 'userId', 'type', 'occurredAt', 'amount', 'properties'] as const;

/** A copy of BASE with one to three fields replaced, removed, set to undefined, or extra keys added. */
function mutatedEvent(r: Rng): unknown {
  if (r.chance(0.03)) {
    return r.pick([null, undefined, 1, 'event', true, [], [BASE], new Date(0), new Map(), () => 1]);
  }
  const e: Record<PropertyKey, unknown> = { ...BASE, properties: { ...BASE.properties } };
  const mutations = 1 + r.int(3);
  for (let m = 0; m < mutations; m++) {
    const field = r.pick(FIELDS);
    switch (r.int(12)) {
      case 0:
        delete e[field];
        break;
      case 1:
        e[field] = undefined;
        break;
      case 2:
        e[r.pick(['extra', 'EventId', 'user_id', 'constructor', 'toString', 'sentAt', ''])] =
          r.pick([1, 'x', undefined, null]);
        break;
      default:
        switch (field) {
          case 'eventId':
            e.eventId = r.pick(uuidCandidates(r));
            break;
          case 'userId':
            e.userId = r.pick(
              tokenCandidates(
                r,
                'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@-',
                128,
                'user-123',
              ),
            );
            break;
          case 'type':
            e.type = r.pick(
              tokenCandidates(r, 'abcdefghijklmnopqrstuvwxyz0123456789_.:-', 64, 'page_view'),
            );
            break;
          case 'occurredAt':
            e.occurredAt = r.pick(timestampCandidates(r));
            break;
          case 'amount':
            e.amount = r.pick(numberCandidates(r));
            break;
          case 'properties':
            e.properties = propertiesCandidate(r);
            break;
        }
    }
  }
  switch (r.int(20)) {
    case 0: {
      // through JSON, as the ingest sees it (`__proto__` then becomes an own key)
      const json = JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      return json === undefined
        ? e
        : JSON.parse(
            json.replace(
              /^\{/,
              r.pick(['{', '{"__proto__":{"userId":"u"},', '{"constructor":"x",']),
            ),
          );
    }
    case 1: {
      const proto = r.pick([null, { inherited: 1 }, Object.create(null) as object]);
      return Object.assign(Object.create(proto) as object, e);
    }
    case 2:
      e[Symbol('extra')] = 1;
      return e;
    case 3:
      Object.defineProperty(e, 'hidden', { value: 1, enumerable: false });
      return e;
    case 4:
      return Object.assign(new (class Event {})(), e);
    default:
      return e;
  }
}

/** Events as clients send them: every one valid. */
function realisticEvent(r: Rng): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  if (r.chance(0.9)) {
    e.eventId = `${hexString(r, 8)}-${hexString(r, 4)}-${r.pick(['4', '7'])}${hexString(r, 3)}-${r.pick([...'89ab'])}${hexString(r, 3)}-${hexString(r, 12)}`;
    if (r.chance(0.1)) e.eventId = (e.eventId as string).toUpperCase();
  }
  e.userId = r.pick([
    `user-${r.int(100000)}`,
    `u${r.int(1000)}`,
    `${hexString(r, 24)}`,
    `user.${r.int(99)}@example.com`,
    `tenant:${r.int(9)}:user_${r.int(999)}`,
  ]);
  e.type = r.pick([
    'page_view',
    'click',
    'purchase',
    'add_to_cart',
    'signup',
    'app.open',
    'search:submit',
  ]);
  if (r.chance(0.9)) {
    const ms = Date.parse('2026-11-24T00:00:00Z') + r.int(86_400_000);
    const iso = new Date(ms).toISOString();
    e.occurredAt = r.pick([
      iso,
      iso.replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z'),
      `${iso.slice(0, 19)}+05:30`,
      `${iso.slice(0, 19)}-08:00`,
      `${iso.slice(0, 19)}.${pad(r.int(1_000_000), 6)}Z`,
    ]);
  }
  if (r.chance(0.3)) e.amount = r.pick([19.99, r.int(10000) / 100, 0, 1e6]);
  if (r.chance(0.9)) {
    const props: Record<string, unknown> = {};
    for (let n = r.int(8); n >= 0; n--) {
      props[
        r.pick([
          'device',
          'path',
          'referrer',
          'campaign',
          'country',
          'ab_bucket',
          'logged_in',
          'items',
          'screen.width',
        ])
      ] = r.pick([
        'mobile',
        '/products/1',
        `/search?q=${hexString(r, 6)}`,
        'DE',
        r.int(5000),
        r.next(),
        true,
        false,
        null,
        'Müller ✓',
      ]);
    }
    e.properties = props;
  }
  return r.chance(0.5) ? (JSON.parse(JSON.stringify(e)) as Record<string, unknown>) : e;
}

// ---------------------------------------------------------------------------------------------

describe('fastParseEvent', () => {
  it("uses zod's patterns: the schema is built as fastEvent.ts assumes", () => {
    const shape = eventSchema.shape;
    const pattern = (s: z.ZodType) =>
      String((s as unknown as { _zod: { def: { pattern: RegExp } } })._zod.def.pattern);
    expect(pattern(shape.eventId.unwrap().in)).toBe(String(z.regexes.uuid()));
    expect(String(z.regexes.uuid())).toBe(
      '/^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/',
    );
    expect(pattern(shape.occurredAt.unwrap())).toBe(
      String(z.regexes.datetime({ offset: true, local: false, precision: null })),
    );
    const checks = (s: z.ZodType) =>
      (
        s as unknown as { _zod: { def: { checks: { _zod: { def: Record<string, unknown> } }[] } } }
      )._zod.def.checks.map((c) => [
        c._zod.def.check,
        c._zod.def.minimum ?? c._zod.def.maximum ?? String(c._zod.def.pattern),
      ]);
    expect(checks(shape.userId)).toEqual([
      ['min_length', 1],
      ['max_length', 128],
      ['string_format', '/^[A-Za-z0-9_.:@-]+$/'],
    ]);
    expect(checks(shape.type)).toEqual([
      ['min_length', 1],
      ['max_length', 64],
      ['string_format', '/^[a-z0-9_.:-]+$/'],
    ]);
  });

  it('isUuid is exactly zod’s UUID pattern', () => {
    const r = prng(1);
    const zodUuid = z.regexes.uuid();
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      for (const u of uuidCandidates(r)) {
        if (typeof u !== 'string') continue;
        const expected = zodUuid.test(u);
        if (isUuid(u) !== expected)
          throw new Error(`isUuid(${JSON.stringify(u)}) should be ${expected}`);
        if (expected) accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(50_000);
  });

  it('parseTimestamp is Date.parse, computed in JS for what zod accepts (fraction up to 9 digits)', () => {
    const r = prng(2);
    const datetime = z.regexes.datetime({ offset: true, local: false, precision: null });
    const builtin = Date.parse;
    let fallbacks = 0;
    Date.parse = (s: string) => {
      fallbacks++;
      return builtin(s);
    };
    try {
      let valid = 0;
      for (let i = 0; i < 100_000; i++) {
        const s = timestampString(r);
        const expected = builtin(s);
        const before = fallbacks;
        const got = parseTimestamp(s);
        if (!Object.is(got, expected)) {
          throw new Error(`parseTimestamp(${JSON.stringify(s)}) = ${got}, Date.parse: ${expected}`);
        }
        if (datetime.test(s)) {
          valid++;
          const digits = /\.(\d+)/.exec(s)?.[1]?.length ?? 0;
          if (digits <= 9 && fallbacks !== before) throw new Error(`${s} went to Date.parse`);
        }
      }
      expect(valid).toBeGreaterThan(10_000);
    } finally {
      Date.parse = builtin;
    }
    for (const s of [
      '2026-11-24T08:15:00.0787830990Z', // V8: 787 ms
      '2026-11-24T08:15:00.000000001Z',
      '2026-11-24T08:15:00.123456789+01:00',
      '0000-01-01T00:00:00+23:59',
      '9999-12-31T23:59:59.9999999-23:59',
      '2026-11-24T08:15:00.' + '9'.repeat(500) + 'Z',
    ]) {
      expect(parseTimestamp(s)).toBe(Date.parse(s));
    }
  });

  it('formatTimestamp is Date#toISOString', () => {
    const r = prng(3);
    const min = -62_167_219_200_000;
    const max = 253_402_300_799_999;
    const cases = [
      0,
      -0,
      1,
      -1,
      min,
      min - 1,
      min + 1,
      max,
      max + 1,
      max - 1,
      951_782_400_000,
      1.5,
      -1.5,
      min - 0.5,
      max + 0.5,
      8.64e15,
      -8.64e15,
    ];
    for (let i = 0; i < 100_000; i++) {
      const ms = r.chance(0.1)
        ? r.pick(cases)
        : Math.floor(min - 1e11 + r.next() * (max - min + 2e11));
      cases.push(ms, ms + r.int(1000), r.chance(0.1) ? ms + r.next() : ms + 86_400_000);
    }
    for (const ms of cases.filter((ms) => Math.abs(ms) <= 8.64e15)) {
      const expected = new Date(ms).toISOString();
      if (formatTimestamp(ms) !== expected)
        throw new Error(
          `formatTimestamp(${ms}) = ${formatTimestamp(ms)}, toISOString: ${expected}`,
        );
    }
  });

  it('never accepts what zod rejects, and returns exactly what zod returns (differential)', () => {
    const r = prng(4);
    const failures: string[] = [];
    let fastAccepted = 0;
    let zodAccepted = 0;
    const N = 30_000;
    for (let i = 0; i < N; i++) {
      const event = mutatedEvent(r);
      const fast = fastParseEvent(event);
      const slow = eventSchema.safeParse(event);
      if (slow.success) zodAccepted++;
      if (fast === undefined) continue;
      fastAccepted++;
      if (!slow.success) failures.push(`accepted what zod rejects: ${describeValue(event)}`);
      else if (!sameValue(fast, slow.data))
        failures.push(`differs from zod: ${describeValue(event)}`);
      else if (
        fast === event ||
        (fast.properties !== undefined &&
          fast.properties === (event as { properties: unknown }).properties)
      ) {
        failures.push(`returned the input instead of a fresh object: ${describeValue(event)}`);
      }
      if (failures.length > 20) break;
    }
    expect(failures).toEqual([]);
    // the mix exercises both outcomes, and the fast path takes most of what zod accepts
    expect(zodAccepted).toBeGreaterThan(N * 0.2);
    expect(zodAccepted).toBeLessThan(N * 0.8);
    expect(fastAccepted).toBeGreaterThan(zodAccepted * 0.8);
  });

  it('accepts realistic valid events (the fast path is taken)', () => {
    const r = prng(5);
    let fast = 0;
    const N = 5000;
    for (let i = 0; i < N; i++) {
      const event = realisticEvent(r);
      const slow = eventSchema.safeParse(event);
      expect(slow.success).toBe(true);
      const parsed = fastParseEvent(event);
      if (parsed !== undefined) {
        fast++;
        expect(sameValue(parsed, slow.data)).toBe(true);
      }
    }
    expect(fast / N).toBeGreaterThanOrEqual(0.95);
  });

  it('returns a fresh object in schema order, keeping keys present with value undefined', () => {
    const raw = {
      properties: { b: 1, a: null, 2: true, 1: '' },
      amount: undefined,
      type: 'click',
      userId: 'u',
      eventId: undefined,
    };
    const parsed = fastParseEvent(raw);
    expect(parsed).not.toBe(raw);
    expect(parsed?.properties).not.toBe(raw.properties);
    expect(Reflect.ownKeys(parsed!)).toEqual(['eventId', 'userId', 'type', 'amount', 'properties']);
    expect(Reflect.ownKeys(parsed!.properties!)).toEqual(['1', '2', 'b', 'a']);
    expect(sameValue(parsed, eventSchema.parse(raw))).toBe(true);
  });

  it('leaves to zod what it does not model exactly', () => {
    const ok = { userId: 'u', type: 't' };
    // zod strips an own __proto__ property name and accepts the event
    const proto = { ...ok, properties: JSON.parse('{"__proto__":1,"a":2}') as unknown };
    expect(fastParseEvent(proto)).toBeUndefined();
    expect(eventSchema.parse(proto).properties).toEqual({ a: 2 });
    // zod counts code points: 64 emoji are 128 UTF-16 units
    const emoji = { ...ok, properties: { ['😀'.repeat(64)]: '😀'.repeat(1024) } };
    expect(fastParseEvent(emoji)).toBeUndefined();
    expect(eventSchema.safeParse(emoji).success).toBe(true);
    // non-plain objects
    expect(fastParseEvent(Object.assign(new (class E {})(), ok))).toBeUndefined();
    expect(fastParseEvent({ ...ok, properties: new Map() })).toBeUndefined();
    expect(fastParseEvent({ ...ok, properties: { [Symbol('s')]: 1 } })).toBeUndefined();
    expect(eventSchema.safeParse({ ...ok, properties: { [Symbol('s')]: 1 } }).success).toBe(false);
  });

  it('ignores nothing a polluted Object.prototype adds', () => {
    // zod's strict object sees an inherited enumerable key (for-in); its record does not (own keys)
    Object.defineProperty(Object.prototype, 'polluted', {
      value: 1,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      const event = Object.assign(Object.create(null) as object, {
        userId: 'u',
        type: 't',
        properties: { a: 1 },
      });
      expect(fastParseEvent(event)).toBeUndefined();
      expect(eventSchema.parse(event).properties).toEqual({ a: 1 });
      expect(fastParseEvent({ userId: 'u', type: 't' })).toBeUndefined();
      expect(eventSchema.safeParse({ userId: 'u', type: 't' }).success).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });

  it('rejects (to zod) the invalid basics', () => {
    const ok = { userId: 'u', type: 't' };
    for (const event of [
      null,
      undefined,
      [],
      'x',
      {},
      { ...ok, extra: 1 },
      JSON.parse('{"userId":"u","type":"t","__proto__":{}}') as unknown,
      { ...ok, constructor: 'x' },
      { ...ok, userId: '' },
      { ...ok, userId: 'a'.repeat(129) },
      { ...ok, type: 'Page' },
      { ...ok, type: 'a'.repeat(65) },
      { ...ok, eventId: '3b241101-e2bb-0255-8caf-4136c566a962' },
      { ...ok, eventId: '3b241101-e2bb-4255-7caf-4136c566a962' },
      { ...ok, occurredAt: '2026-11-24T08:15:00' },
      { ...ok, occurredAt: '2026-11-24T08:15:00+0530' },
      { ...ok, occurredAt: '2026-11-24T08:15Z' },
      { ...ok, amount: NaN },
      { ...ok, amount: Infinity },
      { ...ok, properties: { a: { b: 1 } } },
      { ...ok, properties: { a: [1] } },
      { ...ok, properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      { ...ok, properties: { '': 1 } },
      { ...ok, properties: { a: 'x'.repeat(1025) } },
    ]) {
      expect(fastParseEvent(event)).toBeUndefined();
      expect(eventSchema.safeParse(event).success).toBe(false);
    }
    expect(
      fastParseEvent({
        ...ok,
        amount: -0,
        properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])),
      }),
    ).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------
// validateEvents against the zod-only implementation it replaced.

const MIN_TIME_MS = Date.parse('0000-01-01T00:00:00Z');
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function referenceValidateEvents(body: unknown, deps: ValidateDeps): Validation {
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
    const eventId = parsed.data.eventId ?? deps.newId(index);
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

describe('validateEvents with the fast path', () => {
  it('gives results identical to the zod-only implementation', () => {
    const r = prng(6);
    const now = Date.parse('2026-11-24T12:00:00.000Z');
    for (let b = 0; b < 400; b++) {
      const events: unknown[] = [];
      for (let i = 1 + r.int(60); i > 0; i--) {
        events.push(
          r.chance(0.1) && events.length > 0
            ? r.pick(events)
            : r.chance(0.5)
              ? realisticEvent(r)
              : mutatedEvent(r),
        );
      }
      // occurredAt near now, far in the past, across the 1-hour future limit
      for (const e of events) {
        if (isObject(e) && r.chance(0.3) && typeof e.occurredAt === 'string') {
          e.occurredAt = new Date(now + r.pick([-1, 1]) * r.int(3 * 3600_000))
            .toISOString()
            .replace('Z', r.pick(['Z', '+00:00', '-00:00']));
        }
        if (isObject(e) && r.chance(0.02)) e.occurredAt = '0000-01-01T00:30:00+01:00';
      }
      const body = r.chance(0.8)
        ? {
            events,
            ...(r.chance(0.6)
              ? {
                  sentAt: new Date(
                    now + r.int(4 * 3600_000) - 2 * 3600_000 + r.int(1000),
                  ).toISOString(),
                }
              : {}),
          }
        : (events[0] as object);
      let n1 = 0;
      let n2 = 0;
      const bodyBytes = r.chance(0.1) ? MAX_EVENT_BYTES + 1 : 100;
      const nowFor = r.chance(0.05) ? now + 0.5 : now;
      // JSON.stringify throws on a BigInt in the size check: both must throw alike
      const outcome = (f: () => Validation) => {
        try {
          return f();
        } catch (e) {
          return { threw: String(e) };
        }
      };
      const got = outcome(() =>
        validateEvents(body, { now: nowFor, bodyBytes, newId: () => `id-${++n1}` }),
      );
      const want = outcome(() =>
        referenceValidateEvents(body, { now: nowFor, bodyBytes, newId: () => `id-${++n2}` }),
      );
      if (!sameValue(got, want) || JSON.stringify(got) !== JSON.stringify(want)) {
        expect(got).toStrictEqual(want);
        throw new Error(`results differ for ${describeValue(body)}`);
      }
    }
  });
});
