import { type ActiveDays, addDay } from '../analytics/activeDays.js';

/** `into` with every day of `from` set, and the day numbers both had (counted twice until now). */
export function unionDays(
  into: ActiveDays,
  from: ActiveDays,
): { days: ActiveDays; shared: number[] } {
  let days: ActiveDays = { base: into.base, bits: Uint8Array.from(into.bits) };
  const shared: number[] = [];
  from.bits.forEach((byte, i) => {
    for (let bit = 0; bit < 8; bit += 1) {
      if ((byte & (1 << bit)) === 0) continue;
      const day = (from.base + i) * 8 + bit;
      const next = addDay(days, day);
      if (next.added) days = next.days;
      else shared.push(day);
    }
  });
  return { days, shared };
}
