import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addDay, countDays, hasAnyDay, hasDay } from '../../../src/core/analytics/activeDays.js';
import { toDistribution } from '../../../src/core/analytics/scoreBins.js';

describe('activeDays', () => {
  it('holds exactly the days added, in any order, earlier days prepending bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 20_000, max: 20_400 }), { maxLength: 60 }), (days) => {
        let bitmap;
        const seen = new Set<number>();
        for (const d of days) {
          const next = addDay(bitmap, d);
          expect(next.added).toBe(!seen.has(d));
          seen.add(d);
          bitmap = next.days;
        }
        if (bitmap === undefined) return;
        expect(countDays(bitmap)).toBe(seen.size);
        for (let d = 19_990; d < 20_410; d += 1) expect(hasDay(bitmap, d)).toBe(seen.has(d));
        expect(hasAnyDay(bitmap, 19_990, 20_410)).toBe(seen.size > 0);
      }),
    );
  });
});

describe('toDistribution', () => {
  it('merges fine buckets into equal bins and gives a null mean when empty', () => {
    const buckets = Array.from({ length: 100 }, (_, i) => (i % 10 === 9 ? 2 : 0));
    const d = toDistribution({ count: 20, sum: 10, buckets }, 5);
    expect(d.bins.map((b) => b.count)).toEqual([4, 4, 4, 4, 4]);
    expect(d.bins[4]).toEqual({ from: 0.8, to: 1, count: 4 });
    expect(d.mean).toBe(0.5);
    expect(
      toDistribution({ count: 0, sum: 0, buckets: new Array(100).fill(0) }, 10).mean,
    ).toBeNull();
  });
});
