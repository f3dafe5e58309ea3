import type { RetentionQuery } from '../../ports/index.js';
import { dayNumber, fromDayNumber } from '../time/calendarDay.js';

/** Day numbers [from, to) of interval i counted from the query's start. */
export function intervalDays(query: RetentionQuery, i: number): { from: number; to: number } {
  const from = dayNumber(query.start) + i * query.intervalDays;
  return { from, to: from + query.intervalDays };
}

/** Day range of every cohort and window the query reads: [start, end of the last window). */
export function retentionSpan(query: RetentionQuery): { from: number; to: number } {
  return {
    from: dayNumber(query.start),
    to: intervalDays(query, query.cohorts - 1 + query.windows).to,
  };
}

/** Cohort label (its first day) of cohort index c. */
export const cohortDay = (query: RetentionQuery, c: number) =>
  fromDayNumber(intervalDays(query, c).from);

/**
 * Counts retention from each cohort member's first day and a test of activity: cohort c holds the
 * users whose first day falls in interval c, n_k those of them active in interval c + k.
 */
export function countRetention(
  query: RetentionQuery,
  members: Iterable<{ firstDay: number; activeIn(from: number, to: number): boolean }>,
): { cohort: string; size: number; retained: number[] }[] {
  const start = dayNumber(query.start);
  const len = query.intervalDays;
  const cohorts = Array.from({ length: query.cohorts }, (_, c) => ({
    cohort: fromDayNumber(start + c * len),
    size: 0,
    retained: new Array<number>(query.windows + 1).fill(0),
  }));
  for (const member of members) {
    const c = Math.floor((member.firstDay - start) / len);
    const row = cohorts[c];
    if (c < 0 || row === undefined) continue;
    row.size += 1;
    for (let k = 0; k <= query.windows; k += 1) {
      const from = start + (c + k) * len;
      if (member.activeIn(from, from + len)) row.retained[k]! += 1;
    }
  }
  return cohorts;
}

/** incomplete[k]: interval c + k has not ended by `today` (it ends after its last day). */
export function incompleteWindows(query: RetentionQuery, c: number, today: string): boolean[] {
  const now = dayNumber(today);
  return Array.from({ length: query.windows + 1 }, (_, k) => intervalDays(query, c + k).to > now);
}
