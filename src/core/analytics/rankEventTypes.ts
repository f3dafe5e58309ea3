import type { EventTypeCount } from '../../ports/index.js';

/** Most events first, ties by type ascending; total counts every type, not only the first `limit`. */
export function rankEventTypes(counts: readonly EventTypeCount[], limit: number) {
  const total = counts.reduce((sum, c) => sum + c.events, 0);
  const items = counts
    .filter((c) => c.events > 0)
    .sort((a, b) => b.events - a.events || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
    .slice(0, limit)
    .map(({ type, events }) => ({ type, events }));
  return { total, items };
}
