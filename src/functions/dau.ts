import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseDauParams } from '../core/queryParams.js';
import { zoneClockFor } from '../core/time/zoneClockFor.js';
import type { Deps } from '../wiring/deps.js';
import { badParams, fromStore, json } from './respond.js';

/** GET /api/stats/dau: distinct active users per local day, every day of the range. */
export function createDauHandler(deps: Deps) {
  const clock = zoneClockFor(deps.config.TIMEZONE);
  return async function dau(request: HttpRequest): Promise<HttpResponseInit> {
    const params = parseDauParams(request.query, deps.now(), clock.dayOf);
    if (!params.ok) return badParams(params.errors);
    const { from, to } = params.value;
    return fromStore(deps, async () =>
      json(200, {
        from,
        to,
        timezone: clock.zone,
        series: await deps.store.dailyActiveUsers(from, to),
      }),
    );
  };
}
