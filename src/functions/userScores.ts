import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { encodeCursor } from '../core/cursor.js';
import { parseUserScoresParams } from '../core/queryParams.js';
import type { Deps } from '../deps.js';
import { badParams, fromStore, json } from './respond.js';

/** GET /api/users/{userId}/scores: a user's scored events, newest first, a page at a time. */
export function createUserScoresHandler(deps: Deps) {
  return async function userScores(request: HttpRequest): Promise<HttpResponseInit> {
    const params = parseUserScoresParams(request.params.userId, request.query);
    if (!params.ok) return badParams(params.errors);
    const { userId, limit, from, to, continuationToken } = params.value;
    return fromStore(deps, async () => {
      const page = await deps.store.userScores({
        userId,
        limit,
        from,
        to,
        after: continuationToken,
      });
      return json(200, {
        userId,
        items: page.items,
        continuationToken: page.next ? encodeCursor(page.next) : null,
      });
    });
  };
}
