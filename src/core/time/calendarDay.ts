import { civilFromDays, DAY_MS, daysFromCivil, daysInMonth, weekdayOf } from './civil.js';

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/*
 * A calendar day is written YYYY-MM-DD and counted as a day number (days since 1970-01-01). Which
 * instants belong to a day depends on the zone (see zoneClock.ts); the arithmetic here does not.
 */

/** Days since 1970-01-01 of a YYYY-MM-DD day: integer arithmetic for intervals and bitmaps. */
export function dayNumber(day: string): number {
  return daysFromCivil(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)));
}

/** YYYY-MM-DD of a day number (years 0000-9999). */
export function fromDayNumber(n: number): string {
  const { year, month, day } = civilFromDays(n);
  return `${PAD2[Math.floor(year / 100)]}${PAD2[year % 100]}-${PAD2[month]}-${PAD2[day]}`;
}

/** UTC calendar day (YYYY-MM-DD) of an instant given as ISO text or epoch milliseconds. */
export function utcDay(timestamp: string | number): string {
  return fromDayNumber(Math.floor(new Date(timestamp).getTime() / DAY_MS));
}

/** Parses YYYY-MM-DD strictly (no 2026-02-30); its day number, or undefined when it is not a real day. */
export function parseDay(text: string): number | undefined {
  const m = DAY_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

export function addDays(day: string, n: number): string {
  return fromDayNumber(dayNumber(day) + n);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = dayNumber(from), end = dayNumber(to); d <= end; d += 1) days.push(fromDayNumber(d));
  return days;
}

/** The Monday on or before a day number (calendar weeks start on Monday, ISO 8601). */
export const weekStart = (n: number): number => n - weekdayOf(n);

/** The first day number of the month holding day number n. */
export function monthStart(n: number): number {
  const { year, month } = civilFromDays(n);
  return daysFromCivil(year, month, 1);
}

/** The first day number of the month after the one holding day number n. */
export function nextMonthStart(n: number): number {
  const { year, month } = civilFromDays(n);
  return month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
}
