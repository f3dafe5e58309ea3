import type { TrendCount } from '../../ports/index.js';

export interface TrendSeries {
  type: string;
  points: { start: string; value: number }[];
}

/** One series per type, in the order asked, with every period present (zeros included). */
export function buildTrendSeries(
  types: readonly string[],
  periods: readonly string[],
  counts: readonly TrendCount[],
  measure: 'events' | 'users',
): TrendSeries[] {
  const byKey = new Map(counts.map((c) => [`${c.type}\n${c.period}`, c[measure]]));
  return types.map((type) => ({
    type,
    points: periods.map((start) => ({ start, value: byKey.get(`${type}\n${start}`) ?? 0 })),
  }));
}
