/**
 * Counts how often each 64-bit key was seen, in about 16 bytes per distinct key: an open-addressing
 * table of uint32 pairs (a Map would cost ~100 bytes a row), plus a Map only for keys seen twice.
 */
export function createOccurrenceCounter(initialCapacity = 1 << 16) {
  let capacity = initialCapacity;
  let table = new Uint32Array(capacity * 2);
  let size = 0;
  const repeats = new Map<string, number>();
  let zeroSeen = 0;

  const slotOf = (hi: number, lo: number, t: Uint32Array, cap: number): number => {
    let slot = (Math.imul(hi ^ lo, 0x9e3779b1) >>> 0) & (cap - 1);
    while (t[slot * 2] !== 0 || t[slot * 2 + 1] !== 0) {
      if (t[slot * 2] === hi && t[slot * 2 + 1] === lo) return slot;
      slot = (slot + 1) & (cap - 1);
    }
    return slot;
  };

  const grow = () => {
    const next = new Uint32Array(capacity * 4);
    for (let i = 0; i < capacity; i++) {
      const hi = table[i * 2]!;
      const lo = table[i * 2 + 1]!;
      if (hi === 0 && lo === 0) continue;
      const slot = slotOf(hi, lo, next, capacity * 2);
      next[slot * 2] = hi;
      next[slot * 2 + 1] = lo;
    }
    table = next;
    capacity *= 2;
  };

  return {
    /** How many times the key was seen before this call (0 the first time); records this sighting. */
    next(hiIn: number, loIn: number): number {
      const hi = hiIn >>> 0;
      const lo = loIn >>> 0;
      // (0, 0) marks an empty slot, so that key is counted on its own.
      if (hi === 0 && lo === 0) {
        if (zeroSeen === 0) size++;
        return zeroSeen++;
      }
      const slot = slotOf(hi, lo, table, capacity);
      if (table[slot * 2] === hi && table[slot * 2 + 1] === lo) {
        const key = `${hi}:${lo}`;
        const seen = (repeats.get(key) ?? 1) + 1;
        repeats.set(key, seen);
        return seen - 1;
      }
      table[slot * 2] = hi;
      table[slot * 2 + 1] = lo;
      if (++size * 2 > capacity) grow();
      return 0;
    },
    get distinct() {
      return size;
    },
  };
}
