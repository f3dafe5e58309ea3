import type { ScoredEvent } from '../event.js';

/**
 * Who a trends user marker counts: the one place that decides it, so resolving an anonymous id to
 * the person it was linked to (identity links) changes this function only.
 */
export function trendUserOf(doc: Pick<ScoredEvent, 'userId'>): string {
  return doc.userId;
}
