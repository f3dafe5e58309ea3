import { createZoneClock, type ZoneClock } from './zoneClock.js';

const clocks = new Map<string, ZoneClock>();

/** One clock per zone and process, so every handler shares its cache of offsets. */
export function zoneClockFor(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (clock === undefined) {
    clock = createZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}
