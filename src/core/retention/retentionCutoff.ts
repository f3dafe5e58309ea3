import { archiveHour } from '../archive/archiveHour.js';
import type { ZoneClock } from '../time/zoneClock.js';

const DAY_MS = 86_400_000;

/**
 * What DATA_RETENTION_DAYS removes at `now`: documents whose day (the project's zone) is before
 * `beforeDay`, and archive hours (UTC, by receipt) before `beforeHour`; both are `days` days back.
 */
export function retentionCutoff(
  now: number,
  days: number,
  clock: Pick<ZoneClock, 'dayOf'>,
): { beforeDay: string; beforeHour: string } {
  const edge = now - days * DAY_MS;
  return { beforeDay: clock.dayOf(edge), beforeHour: archiveHour(edge) };
}
