/** The position after a record in the newest-first order: its `at` and `id`, opaque to clients. */
export function encodeAuditCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

/** The `at` and `id` a cursor names, or undefined for one this API did not make. */
export function decodeAuditCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // not JSON: not a cursor of ours
  }
  return undefined;
}
