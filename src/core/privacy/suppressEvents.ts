import type { AcceptedEvent } from '../event.js';
import type { EventResult } from '../validateEvents.js';

/** The per-event rejection of a suppressed user's event (code `suppressed`, on the userId). */
export const suppressedError = {
  path: 'userId',
  code: 'suppressed',
  message: 'this user is suppressed: their events are refused until an admin lifts it',
} as const;

/**
 * Refuses the events of suppressed users: their results (and duplicates of them) become
 * rejections with code `suppressed`; the other events pass unchanged. Pure.
 */
export function suppressEvents(
  accepted: readonly AcceptedEvent[],
  results: readonly EventResult[],
  suppressed: ReadonlySet<string>,
): { accepted: AcceptedEvent[]; results: EventResult[]; suppressed: number } {
  if (suppressed.size === 0)
    return { accepted: [...accepted], results: [...results], suppressed: 0 };
  // An event naming a suppressed id only as the id it links (an identify after an anonymous session
  // of a suppressed id) is refused too: storing it would keep the id.
  const refusedIds = new Map<string, 'userId' | 'link.previousId'>();
  const kept: AcceptedEvent[] = [];
  for (const event of accepted) {
    if (suppressed.has(event.userId)) refusedIds.set(event.eventId, 'userId');
    else if (event.link && suppressed.has(event.link.previousId))
      refusedIds.set(event.eventId, 'link.previousId');
    else kept.push(event);
  }
  if (refusedIds.size === 0) return { accepted: kept, results: [...results], suppressed: 0 };
  let count = 0;
  const out = results.map((r): EventResult => {
    if (r.status === 'rejected' || r.eventId === null || !refusedIds.has(r.eventId)) return r;
    count++;
    return {
      index: r.index,
      eventId: r.eventId,
      status: 'rejected',
      errors: [{ ...suppressedError, path: refusedIds.get(r.eventId)! }],
    };
  });
  return { accepted: kept, results: out, suppressed: count };
}
