import type { ScoredEvent } from '../event.js';

export interface ScoreCursorLike {
  occurredAt: string;
  eventId: string;
}

/** Newest first, as a user's list is ordered: occurredAt, then eventId, both descending. */
export const newestFirst = (a: ScoredEvent, b: ScoredEvent): number =>
  a.occurredAt === b.occurredAt
    ? a.eventId < b.eventId
      ? 1
      : a.eventId > b.eventId
        ? -1
        : 0
    : a.occurredAt < b.occurredAt
      ? 1
      : -1;

/**
 * One page of a person's events from the pages of each of their ids, each fetched with the same
 * bounds, cursor and `limit + 1`: the newest `limit` of their union, and a cursor when more follow.
 */
export function mergeScorePages(
  pages: readonly ScoredEvent[][],
  limit: number,
): { items: ScoredEvent[]; next?: ScoreCursorLike } {
  const all = pages.flat().sort(newestFirst);
  const items = all.slice(0, limit);
  const last = items.at(-1);
  if (all.length <= limit || last === undefined) return { items };
  return { items, next: { occurredAt: last.occurredAt, eventId: last.eventId } };
}
