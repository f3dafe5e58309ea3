import { describe, expect, it } from 'vitest';

import { addDays, daysBetween, parseDay, toDay } from '../../src/core/day.js';

describe('toDay', () => {
  it('buckets by the UTC day, whatever the offset', () => {
    expect(toDay('2026-11-24T23:30:00-02:00')).toBe('2026-11-25');
    expect(toDay('2026-11-25T01:00:00+05:00')).toBe('2026-11-24');
    expect(toDay('2026-11-24T00:00:00Z')).toBe('2026-11-24');
    expect(toDay('2026-11-24T23:59:59.999Z')).toBe('2026-11-24');
    expect(toDay(Date.parse('2028-02-29T12:00:00Z'))).toBe('2028-02-29');
  });
});

describe('parseDay', () => {
  it('accepts real days only', () => {
    expect(parseDay('2026-02-28')).toBe(Date.parse('2026-02-28T00:00:00Z'));
    expect(parseDay('2026-02-29')).toBeUndefined();
    expect(parseDay('2026-13-01')).toBeUndefined();
    expect(parseDay('2026-1-01')).toBeUndefined();
    expect(parseDay('2026-01-01T00:00:00Z')).toBeUndefined();
  });
});

describe('daysBetween / addDays', () => {
  it('lists every day inclusive, across month and year ends', () => {
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(daysBetween('2026-01-01', '2026-01-01')).toEqual(['2026-01-01']);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
