import { isPacked } from './unpackMessages.js';

/** Which queued events to drop: those of `userIds` received at or before `receivedUpTo`. */
export interface QueuedEventFilter {
  userIds: ReadonlySet<string>;
  /** The cut-off, epoch ms. */
  receivedUpTo: number;
  /**
   * Stands for an event's receipt time when it has no valid `receivedAt`: the message's enqueue
   * time (a poisoned message's failure time, which is later).
   */
  fallbackReceivedAt: number;
}

/**
 * A queued message body without the events `filter` matches: a body is one event, a packed body
 * (`{ events }`, unpackMessages.ts) or an array of either, as the queues carry them. `body` is
 * undefined when no event is left (the message goes); `removed` 0 means the body is unchanged.
 */
export function dropQueuedEvents(
  body: unknown,
  filter: QueuedEventFilter,
): { body: unknown; removed: number } {
  if (Array.isArray(body)) {
    let removed = 0;
    const kept: unknown[] = [];
    for (const item of body) {
      const result = dropQueuedEvents(item, filter);
      removed += result.removed;
      if (result.body !== undefined) kept.push(result.body);
    }
    return { body: kept.length > 0 ? kept : undefined, removed };
  }
  if (isPacked(body)) {
    const events = body.events.filter((e) => !matches(e, filter));
    const removed = body.events.length - events.length;
    if (removed === 0) return { body, removed };
    return { body: events.length > 0 ? { ...body, events } : undefined, removed };
  }
  return matches(body, filter) ? { body: undefined, removed: 1 } : { body, removed: 0 };
}

function matches(event: unknown, filter: QueuedEventFilter): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const { userId, receivedAt } = event as { userId?: unknown; receivedAt?: unknown };
  if (typeof userId !== 'string' || !filter.userIds.has(userId)) return false;
  const at = typeof receivedAt === 'string' ? Date.parse(receivedAt) : NaN;
  return (Number.isNaN(at) ? filter.fallbackReceivedAt : at) <= filter.receivedUpTo;
}
