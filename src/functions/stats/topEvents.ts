import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseTopEventsParams } from '../../core/analytics/analyticsParams.js';
import { rankEventTypes } from '../../core/analytics/rankEventTypes.js';
import { zoneClockFor } from '../../core/time/zoneClockFor.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json } from '../respond.js';

/** GET /api/stats/top-events: stored events per type over a day range, most first. */
export function createTopEventsHandler(deps: Deps) {
  const clock = zoneClockFor(deps.config.TIMEZONE);
  return async function topEvents(request: HttpRequest): Promise<HttpResponseInit> {
    const params = parseTopEventsParams(request.query, deps.now(), clock.dayOf);
    if (!params.ok) return badParams(params.errors);
    const { from, to, limit } = params.value;
    return fromStore(deps, async () => {
      const counts = await deps.store.eventsByType(from, to);
      return json(200, { from, to, timezone: clock.zone, ...rankEventTypes(counts, limit) });
    });
  };
}
