import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fromDayNumber, parseDay } from '../../../src/core/time/calendarDay.js';
import { canonicalTimeZone, createZoneClock } from '../../../src/core/time/zoneClock.js';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Apia',
];

/** The local date as Intl writes it (en-CA gives YYYY-MM-DD), the reference the clock must match. */
const formats = new Map<string, Intl.DateTimeFormat>();
function intlDay(zone: string, ms: number): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formats.set(zone, format);
  }
  return format.format(ms);
}

// 1900 to 2100: what events and imports carry.
const instants = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) });

describe('createZoneClock', () => {
  it.each(ZONES)('gives the local day Intl gives, in %s', (zone) => {
    const clock = createZoneClock(zone);
    fc.assert(
      fc.property(instants, (ms) => {
        expect(clock.dayOf(ms)).toBe(intlDay(zone, ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('is exact minute by minute around every offset change of 2026', () => {
    const hour = 3_600_000;
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe']) {
      const clock = createZoneClock(zone);
      let changes = 0;
      for (let h = Date.UTC(2026, 0, 1); h < Date.UTC(2027, 0, 1); h += hour) {
        expect(clock.dayOf(h)).toBe(intlDay(zone, h));
        const changed = clock.offsetAt(h) !== clock.offsetAt(h - 1);
        const mixed = clock.offsetAt(h) !== clock.offsetAt(h + hour - 1);
        if (!changed && !mixed) continue;
        changes += 1;
        for (let ms = h - hour; ms < h + 2 * hour; ms += 60_000)
          expect([zone, ms, clock.dayOf(ms)]).toEqual([zone, ms, intlDay(zone, ms)]);
      }
      // Two changes a year; Lord Howe's spring change (02:00 at +10:30) is half past a UTC hour.
      expect(changes).toBe(2);
    }
  });

  it('starts each local day at its first instant, 23 or 25 hours apart across DST', () => {
    const berlin = createZoneClock('Europe/Berlin');
    const day = (text: string) => parseDay(text)!;
    expect(new Date(berlin.startOfDay(day('2026-03-29'))).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(berlin.startOfDay(day('2026-03-30')) - berlin.startOfDay(day('2026-03-29'))).toBe(
      23 * 3_600_000,
    );
    expect(berlin.startOfDay(day('2026-10-26')) - berlin.startOfDay(day('2026-10-25'))).toBe(
      25 * 3_600_000,
    );
    const zones = fc.constantFrom(...ZONES);
    const days = fc.integer({ min: parseDay('1950-01-01')!, max: parseDay('2080-01-01')! });
    fc.assert(
      fc.property(zones, days, (zone, n) => {
        const clock = createZoneClock(zone);
        const start = clock.startOfDay(n);
        expect(intlDay(zone, start)).toBe(fromDayNumber(n));
        expect(intlDay(zone, start - 1) < fromDayNumber(n)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('has days 14 hours ahead of UTC and 11 behind', () => {
    const at = Date.parse('2026-06-01T11:30:00Z');
    expect(createZoneClock('Pacific/Kiritimati').dayOf(at)).toBe('2026-06-02');
    expect(createZoneClock('Pacific/Pago_Pago').dayOf(at)).toBe('2026-06-01');
    expect(createZoneClock('Pacific/Pago_Pago').dayOf('2026-06-01T10:59:59Z')).toBe('2026-05-31');
  });

  it('names zones canonically and refuses unknown ones', () => {
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
    expect(() => createZoneClock('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});
