const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD day: integer arithmetic for intervals and bitmaps. */
export function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

export function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}
