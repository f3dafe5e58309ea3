import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseAuditQuery } from '../../core/audit/auditQuery.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json } from '../respond.js';

/** GET /api/audit: the admin actions, newest first, a page at a time. */
export function createAuditListHandler(deps: Pick<Deps, 'audit' | 'logger'>) {
  return async function auditList(request: HttpRequest): Promise<HttpResponseInit> {
    const query = parseAuditQuery(request.query);
    if (!query.ok) return badParams(query.errors);
    const { limit, cursor } = query.value;
    return fromStore(deps, async () => {
      try {
        const page = await deps.audit.list({ limit, ...(cursor !== undefined ? { cursor } : {}) });
        return json(200, page, { 'cache-control': 'no-store' });
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        return badParams([
          { path: 'cursor', code: 'invalid_cursor', message: 'not a cursor this API returned' },
        ]);
      }
    });
  };
}
