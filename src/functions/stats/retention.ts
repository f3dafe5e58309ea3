import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseRetentionParams } from '../../core/analytics/analyticsParams.js';
import { incompleteWindows } from '../../core/analytics/retentionIntervals.js';
import { zoneClockFor } from '../../core/time/zoneClockFor.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json } from '../respond.js';

/** GET /api/stats/retention: cohorts by first stored event, and how many come back after. */
export function createRetentionHandler(deps: Deps) {
  const clock = zoneClockFor(deps.config.TIMEZONE);
  return async function retention(request: HttpRequest): Promise<HttpResponseInit> {
    const params = parseRetentionParams(request.query);
    if (!params.ok) return badParams(params.errors);
    const { interval, ...query } = params.value;
    const today = clock.dayOf(deps.now());
    return fromStore(deps, async () => {
      const cohorts = await deps.store.retention(query);
      return json(200, {
        timezone: clock.zone,
        start: query.start,
        interval,
        cohorts: cohorts.map((cohort, c) => ({
          ...cohort,
          incomplete: incompleteWindows(query, c, today),
        })),
      });
    });
  };
}
