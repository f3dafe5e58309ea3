const MAX_DEPTH = 64;

/**
 * Whether `value` holds one of `ids` as a string value at any depth (object values, array items; a
 * string that is itself a JSON object or array is searched too, as an unparsed message body is
 * kept). Keys are not values: `{ "u-1": 1 }` does not hold "u-1". Exact matches only.
 */
export function holdsAnyId(value: unknown, ids: ReadonlySet<string>, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof value === 'string') {
    if (ids.has(value)) return true;
    const first = value.trimStart()[0];
    if (first !== '{' && first !== '[') return false;
    try {
      return holdsAnyId(JSON.parse(value) as unknown, ids, depth + 1);
    } catch {
      return false;
    }
  }
  if (Array.isArray(value)) return value.some((v) => holdsAnyId(v, ids, depth + 1));
  if (value !== null && typeof value === 'object')
    return Object.values(value).some((v) => holdsAnyId(v, ids, depth + 1));
  return false;
}
