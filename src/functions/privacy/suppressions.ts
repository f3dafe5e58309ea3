import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { type Caller, openCaller } from '../../core/access/scope.js';
import { auditEntry } from '../../core/audit/auditEntry.js';
import { parseSuppressionRequest } from '../../core/privacy/suppressionRequest.js';
import { userIdProblem } from '../../core/userIdRule.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json, problem, readJsonBody } from '../respond.js';

type PrivacyDeps = Pick<Deps, 'privacy' | 'audit' | 'logger' | 'now' | 'newId'>;

/** POST /api/privacy/suppressions: the ids' later events are refused at every entry point. */
export function createAddSuppressionsHandler(deps: PrivacyDeps) {
  return async function addSuppressions(
    request: HttpRequest,
    _context: InvocationContext,
    caller: Caller = openCaller,
  ): Promise<HttpResponseInit> {
    const parsed = await readJsonBody(request, '{ userIds: [...] }', parseSuppressionRequest);
    if (!parsed.ok) return parsed.response;
    const suppressedAt = new Date(deps.now()).toISOString();
    return fromStore(deps, async () => {
      await deps.privacy.store.add(
        parsed.userIds.map((userId) => ({ userId, suppressedAt, keyId: caller.keyId })),
      );
      deps.privacy.list.invalidate();
      await deps.audit.append(
        parsed.userIds.map((userId) =>
          auditEntry(caller.keyId, 'suppression.add', userId, deps.now(), deps.newId),
        ),
      );
      return json(200, { suppressed: parsed.userIds.length, suppressedAt });
    });
  };
}

/** DELETE /api/privacy/suppressions/{userId}: lifts one suppression. */
export function createLiftSuppressionHandler(deps: PrivacyDeps) {
  return async function liftSuppression(
    request: HttpRequest,
    _context: InvocationContext,
    caller: Caller = openCaller,
  ): Promise<HttpResponseInit> {
    const userId = request.params.userId ?? '';
    const rule = userIdProblem(userId);
    if (rule) return badParams([{ path: 'userId', code: 'invalid_user_id', message: rule }]);
    return fromStore(deps, async () => {
      const removed = await deps.privacy.store.remove(userId);
      deps.privacy.list.invalidate();
      if (!removed) return problem(404, 'not_suppressed', `user ${userId} is not suppressed`);
      await deps.audit.append([
        auditEntry(caller.keyId, 'suppression.lift', userId, deps.now(), deps.newId),
      ]);
      return { status: 204 };
    });
  };
}

/** GET /api/privacy/suppressions: every suppressed id, with when and by which key. */
export function createListSuppressionsHandler(deps: PrivacyDeps) {
  return async function listSuppressions(): Promise<HttpResponseInit> {
    return fromStore(deps, async () =>
      json(200, { items: await deps.privacy.store.list() }, { 'cache-control': 'no-store' }),
    );
  };
}
