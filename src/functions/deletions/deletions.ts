import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { type Caller, openCaller } from '../../core/access/scope.js';
import { auditEntry } from '../../core/audit/auditEntry.js';
import {
  deletionView,
  newDeletionRequest,
  parseDeletionRequest,
} from '../../core/privacy/deletion/deletionRequestBody.js';
import { resolveErasedIds } from '../../core/privacy/deletion/resolveErasedIds.js';
import { runDueDeletions } from '../../core/privacy/deletion/runDeletion.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json, problem, readJsonBody } from '../respond.js';
import { deletionDepsOf } from './deletionDeps.js';

type RequestDeps = Pick<
  Deps,
  'deletions' | 'store' | 'privacy' | 'audit' | 'logger' | 'now' | 'newId'
>;

/**
 * Records a deletion request (README, "Privacy"): the ids are resolved to their persons now, put in
 * the ledger, and suppressed when asked, all before the answer; the deletion itself runs on the
 * `deletions` timer once every scorer has had time to load the ledger.
 */
export async function requestDeletion(
  deps: RequestDeps,
  input: { userIds: readonly string[]; suppress: boolean; keyId: string },
) {
  const erasedIds = await resolveErasedIds(deps.store.identity, input.userIds);
  const request = newDeletionRequest({ id: deps.newId(), ...input, erasedIds, now: deps.now() });
  if (input.suppress) {
    await deps.privacy.store.add(
      input.userIds.map((userId) => ({
        userId,
        suppressedAt: request.requestedAt,
        keyId: input.keyId,
      })),
    );
    deps.privacy.list.invalidate();
  }
  await deps.deletions.ledger.create(request);
  deps.deletions.erased.invalidate();
  await deps.audit.append([
    auditEntry(input.keyId, 'deletion.request', request.id, deps.now(), deps.newId),
  ]);
  return request;
}

/** POST /api/privacy/deletions: 202 with the request; GET its id for the state. */
export function createRequestDeletionHandler(deps: RequestDeps) {
  return async function requestDeletionHandler(
    request: HttpRequest,
    _context: InvocationContext,
    caller: Caller = openCaller,
  ): Promise<HttpResponseInit> {
    const parsed = await readJsonBody(
      request,
      '{ userIds: [...], suppress?: boolean }',
      parseDeletionRequest,
    );
    if (!parsed.ok) return parsed.response;
    return fromStore(deps, async () => {
      const made = await requestDeletion(deps, {
        userIds: parsed.userIds,
        suppress: parsed.suppress,
        keyId: caller.keyId,
      });
      return json(202, deletionView(made), {
        location: `/api/privacy/deletions/${encodeURIComponent(made.id)}`,
        'cache-control': 'no-store',
      });
    });
  };
}

/** GET /api/privacy/deletions/{id}: the state, what was removed per place, the timestamps. */
export function createDeletionStatusHandler(deps: Pick<Deps, 'deletions' | 'logger'>) {
  return async function deletionStatus(request: HttpRequest): Promise<HttpResponseInit> {
    const id = request.params.id ?? '';
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id))
      return badParams([
        {
          path: 'id',
          code: 'invalid_deletion_id',
          message: 'a deletion id is 1-64 letters, digits or dashes',
        },
      ]);
    return fromStore(deps, async () => {
      const found = await deps.deletions.ledger.get(id);
      if (!found) return problem(404, 'deletion_not_found', `no deletion request ${id}`);
      return json(200, deletionView(found), { 'cache-control': 'no-store' });
    });
  };
}

/** Every minute: runs the deletions whose start delay has passed (README, "Privacy"). */
export const deletionsSchedule = { schedule: '0 * * * * *', everyMinutes: 1 };

/** The deletions timer: works the unfinished requests, oldest first, for at most 4 minutes a run. */
export function createDeletionsTimerHandler(deps: Parameters<typeof deletionDepsOf>[0]) {
  return async function deletions(): Promise<void> {
    await runDueDeletions(deletionDepsOf(deps), { budgetMs: 4 * 60_000 });
  };
}
