/**
 * A user's active days as a bitmap: bit d - 8 * base of `bits` is set when the user has an event on
 * day number d. The base is a multiple of 8 days so an earlier day only prepends whole bytes.
 */
export interface ActiveDays {
  base: number;
  bits: Uint8Array;
}

export function hasDay(days: ActiveDays, day: number): boolean {
  const offset = day - days.base * 8;
  if (offset < 0) return false;
  const byte = offset >> 3;
  return byte < days.bits.length && (days.bits[byte]! & (1 << (offset & 7))) !== 0;
}

/** True when any day in [from, to) is set. */
export function hasAnyDay(days: ActiveDays, from: number, to: number): boolean {
  for (let d = from; d < to; d += 1) if (hasDay(days, d)) return true;
  return false;
}

/** Sets `day`, growing the bitmap as needed; returns the bitmap (possibly a new one) and whether the day is new. */
export function addDay(
  days: ActiveDays | undefined,
  day: number,
): { days: ActiveDays; added: boolean } {
  const byte = Math.floor(day / 8);
  if (days === undefined) {
    const bits = new Uint8Array(1);
    bits[0] = 1 << (day - byte * 8);
    return { days: { base: byte, bits }, added: true };
  }
  if (hasDay(days, day)) return { days, added: false };
  let { base, bits } = days;
  if (byte < base) {
    const grown = new Uint8Array(bits.length + (base - byte));
    grown.set(bits, base - byte);
    base = byte;
    bits = grown;
  } else if (byte >= base + bits.length) {
    const grown = new Uint8Array(byte - base + 1);
    grown.set(bits);
    bits = grown;
  }
  bits[byte - base]! |= 1 << (day - byte * 8);
  return { days: { base, bits }, added: true };
}

export function countDays(days: ActiveDays): number {
  let n = 0;
  for (const b of days.bits) {
    let v = b;
    while (v) {
      v &= v - 1;
      n += 1;
    }
  }
  return n;
}
