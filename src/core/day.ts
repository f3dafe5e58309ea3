const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** UTC calendar day (YYYY-MM-DD) of an instant given as ISO text or epoch milliseconds. */
export function toDay(timestamp: string | number): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

/** Parses YYYY-MM-DD strictly (no 2026-02-30); undefined when it is not a real day. */
export function parseDay(text: string): number | undefined {
  if (!DAY_RE.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) || toDay(ms) !== text ? undefined : ms;
}

export function addDays(day: string, n: number): string {
  return toDay(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  const days: string[] = [];
  for (let t = start; t <= end; t += DAY_MS) days.push(toDay(t));
  return days;
}
