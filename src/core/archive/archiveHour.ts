const HOUR_MS = 3_600_000;

/** The partition of a receipt time: `yyyy/mm/dd/hh/` in UTC. */
export function archiveHour(iso: string | number): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/`;
}

/** Every hour partition that holds receipt times in [from, to), oldest first. */
export function archiveHoursBetween(from: string, to: string): string[] {
  const start = Math.floor(Date.parse(from) / HOUR_MS) * HOUR_MS;
  const end = Date.parse(to);
  const hours: string[] = [];
  for (let t = start; t < end; t += HOUR_MS) hours.push(archiveHour(t));
  return hours;
}

/** Splits events by the hour partition of their receivedAt, preserving order within each. */
export function groupByHour<T extends { receivedAt: string }>(
  events: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const event of events) {
    const hour = archiveHour(event.receivedAt);
    const group = groups.get(hour);
    if (group) group.push(event);
    else groups.set(hour, [event]);
  }
  return groups;
}
