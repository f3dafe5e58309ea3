import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { type ActiveDays, addDay, hasDay } from '../../../src/core/analytics/activeDays.js';
import { unionDays } from '../../../src/core/identity/unionDays.js';

const bitmap = (days: number[]): ActiveDays | undefined =>
  days.reduce<ActiveDays | undefined>((acc, d) => addDay(acc, d).days, undefined);

describe('unionDays', () => {
  it('sets every day of either bitmap and names the days both had', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 20_000, max: 20_100 }), { minLength: 1 }),
        fc.uniqueArray(fc.integer({ min: 20_000, max: 20_100 }), { minLength: 1 }),
        (a, b) => {
          const into = bitmap(a)!;
          const copy = Uint8Array.from(into.bits);
          const { days, shared } = unionDays(into, bitmap(b)!);
          for (let d = 19_990; d < 20_110; d += 1)
            expect(hasDay(days, d)).toBe(a.includes(d) || b.includes(d));
          expect(shared.sort()).toEqual(a.filter((d) => b.includes(d)).sort());
          expect(into.bits).toEqual(copy);
        },
      ),
    );
  });
});
