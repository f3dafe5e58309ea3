import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { rankEventTypes } from '../../core/analytics/rankEventTypes.js';
import { zoneClockFor } from '../../core/time/zoneClockFor.js';
import { buildTrendSeries } from '../../core/trends/buildTrendSeries.js';
import { DEFAULT_TREND_TYPES, parseTrendsParams } from '../../core/trends/trendParams.js';
import { trendPeriods } from '../../core/trends/trendPeriods.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json } from '../respond.js';

/**
 * GET /api/stats/trends: per event type, stored events or distinct users in each local day,
 * calendar week or month of the range, from rollups written with the events.
 */
export function createTrendsHandler(deps: Pick<Deps, 'config' | 'store' | 'now' | 'logger'>) {
  const clock = zoneClockFor(deps.config.TIMEZONE);
  return async function trends(request: HttpRequest): Promise<HttpResponseInit> {
    const params = parseTrendsParams(request.query, deps.now(), clock.dayOf);
    if (!params.ok) return badParams(params.errors);
    const { from, to, interval, measure } = params.value;
    return fromStore(deps, async () => {
      const types =
        params.value.types ??
        rankEventTypes(await deps.store.eventsByType(from, to), DEFAULT_TREND_TYPES).items.map(
          (item) => item.type,
        );
      const periods = trendPeriods(interval, from, to);
      const counts = await deps.store.trends({ interval, periods, types, measure });
      return json(200, {
        from,
        to,
        interval,
        measure,
        timezone: clock.zone,
        series: buildTrendSeries(types, periods, counts, measure),
      });
    });
  };
}
