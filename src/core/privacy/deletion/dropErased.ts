import { fingerprint } from './fingerprint.js';

/**
 * The events the deletion ledger erases: those whose userId's fingerprint is in `erased` and that
 * were received at or before its cut-off. Applied by the scorer (so messages still queued when a
 * deletion ran never come back), replay and re-score. Pure; one SHA-256 per event when the ledger
 * is not empty.
 */
export function dropErased<T extends { userId: string; receivedAt: string }>(
  events: readonly T[],
  erased: ReadonlyMap<string, string>,
): { kept: T[]; dropped: number } {
  if (erased.size === 0) return { kept: [...events], dropped: 0 };
  const kept = events.filter((event) => !isErased(event, erased));
  return { kept, dropped: events.length - kept.length };
}

/**
 * One message body (unknown shape: the scorer has not validated it yet) against the ledger: true
 * when it names a userId and a receivedAt the ledger erases.
 */
export function isErased(body: unknown, erased: ReadonlyMap<string, string>): boolean {
  if (erased.size === 0 || typeof body !== 'object' || body === null) return false;
  const { userId, receivedAt } = body as { userId?: unknown; receivedAt?: unknown };
  if (typeof userId !== 'string' || typeof receivedAt !== 'string') return false;
  const cutoff = erased.get(fingerprint(userId));
  return cutoff !== undefined && Date.parse(receivedAt) <= Date.parse(cutoff);
}
