import {
  dayNumber,
  fromDayNumber,
  monthStart,
  nextMonthStart,
  weekStart,
} from '../time/calendarDay.js';

export type TrendInterval = 'day' | 'week' | 'month';
export const TREND_INTERVALS: readonly TrendInterval[] = ['day', 'week', 'month'];

/** The first day number of the interval holding day number n. */
export function periodStart(interval: TrendInterval, n: number): number {
  if (interval === 'day') return n;
  return interval === 'week' ? weekStart(n) : monthStart(n);
}

/** The first day number after the interval starting on day number start. */
export function periodEnd(interval: TrendInterval, start: number): number {
  if (interval === 'day') return start + 1;
  return interval === 'week' ? start + 7 : nextMonthStart(start);
}

/**
 * Every interval from the one holding `from` to the one holding `to`, named by its first day: whole
 * calendar weeks (Monday to Sunday) and months, so each point counts its whole interval.
 */
export function trendPeriods(interval: TrendInterval, from: string, to: string): string[] {
  const periods: string[] = [];
  const last = dayNumber(to);
  for (let p = periodStart(interval, dayNumber(from)); p <= last; p = periodEnd(interval, p))
    periods.push(fromDayNumber(p));
  return periods;
}

/** The rollup key of the interval holding a document's day, e.g. `w:2026-11-02`. */
export function periodKey(interval: TrendInterval, day: string): string {
  return `${interval[0]}:${fromDayNumber(periodStart(interval, dayNumber(day)))}`;
}
