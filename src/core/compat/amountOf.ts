const NUMERIC = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** `revenue`, else `total`, else `value`: the first that is a finite number (or a numeric string). */
export function amountOf(properties: unknown): number | undefined {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    return undefined;
  const p = properties as Record<string, unknown>;
  for (const key of ['revenue', 'total', 'value']) {
    const v = p[key];
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v.trim()) ? Number(v) : NaN;
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}
