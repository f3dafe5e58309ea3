import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseUserId } from '../../core/analytics/analyticsParams.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json, problem } from '../respond.js';

/** GET /api/users/{userId}: first and last seen, counts, and the newest scored document. */
export function createUserSummaryHandler(deps: Deps) {
  return async function userSummary(request: HttpRequest): Promise<HttpResponseInit> {
    const userId = parseUserId(request.params.userId);
    if (!userId.ok) return badParams(userId.errors);
    return fromStore(deps, async () => {
      const summary = await deps.store.userSummary(userId.value);
      return summary
        ? json(200, summary)
        : problem(404, 'user_not_found', `user ${userId.value} has no stored events`);
    });
  };
}
