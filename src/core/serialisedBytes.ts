/**
 * A value's size as JSON. JSON.parse takes nesting of any depth but JSON.stringify recurses, so a
 * deeply nested value (a few hundred thousand levels fit in 1 MiB) cannot be measured: it counts as
 * too big, which it is for any event this API accepts (nesting is bounded far below that).
 */
export function serialisedBytes(raw: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(raw) ?? '');
  } catch (err) {
    if (err instanceof RangeError) return Infinity;
    throw err;
  }
}
