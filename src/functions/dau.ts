import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseDauParams } from '../core/queryParams.js';
import type { Deps } from '../deps.js';
import { badParams, fromStore, json } from './respond.js';

/** GET /api/stats/dau: distinct active users per UTC day, every day of the range. */
export function createDauHandler(deps: Deps) {
  return async function dau(request: HttpRequest): Promise<HttpResponseInit> {
    const params = parseDauParams(request.query, deps.now());
    if (!params.ok) return badParams(params.errors);
    const { from, to } = params.value;
    return fromStore(deps, async () =>
      json(200, { from, to, series: await deps.store.dailyActiveUsers(from, to) }),
    );
  };
}
