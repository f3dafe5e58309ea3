import { z } from 'zod';

import type { DeletionRequest } from '../../../ports/index.js';
import { type FieldError, toFieldErrors } from '../../event.js';
import { userIdList } from '../userIdList.js';
import { noneRemoved } from './deletionRemoved.js';
import { fingerprint } from './fingerprint.js';

/** At most this many ids in one deletion request. */
export const MAX_DELETION_IDS = 1000;

/** Body of POST /api/privacy/deletions. */
export const deletionRequestSchema = z
  .object({
    userIds: userIdList(MAX_DELETION_IDS),
    suppress: z
      .boolean()
      .optional()
      .meta({ description: 'Also refuse the ids’ later events (a suppression), default false' }),
  })
  .strict()
  .meta({
    id: 'DeletionRequestBody',
    description: `1 to ${MAX_DELETION_IDS} user ids whose persons to delete`,
  });

export function parseDeletionRequest(
  body: unknown,
): { ok: true; userIds: string[]; suppress: boolean } | { ok: false; errors: FieldError[] } {
  const parsed = deletionRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  return {
    ok: true,
    userIds: [...new Set(parsed.data.userIds)],
    suppress: parsed.data.suppress ?? false,
  };
}

/**
 * A new request: its cut-off is the request time. `erasedIds` are the ids resolved at the request
 * (the asked ids, their persons, the ids linked to them), so the ledger names them all from the
 * start; the run resolves again.
 */
export function newDeletionRequest(input: {
  id: string;
  userIds: readonly string[];
  erasedIds: readonly string[];
  suppress: boolean;
  keyId: string;
  now: number;
}): DeletionRequest {
  const at = new Date(input.now).toISOString();
  const ids = [...new Set([...input.userIds, ...input.erasedIds])].sort();
  return {
    id: input.id,
    state: 'pending',
    requested: input.userIds.length,
    userIds: [...input.userIds],
    erasedIds: ids,
    fingerprints: ids.map(fingerprint).sort(),
    suppress: input.suppress,
    receivedUpTo: at,
    requestedAt: at,
    keyId: input.keyId,
    step: 'resolve',
    archiveHours: [],
    eventDays: [],
    removed: noneRemoved(),
    runs: 0,
  };
}

/** What GET /api/privacy/deletions/{id} shows: no id of a person, ever. */
export function deletionView(r: DeletionRequest) {
  return {
    id: r.id,
    state: r.state,
    ...(r.reason !== undefined && { reason: r.reason }),
    requested: r.requested,
    erasedIds: r.fingerprints.length,
    suppress: r.suppress,
    receivedUpTo: r.receivedUpTo,
    requestedAt: r.requestedAt,
    ...(r.startedAt !== undefined && { startedAt: r.startedAt }),
    ...(r.finishedAt !== undefined && { finishedAt: r.finishedAt }),
    step: r.step,
    removed: r.removed,
    runs: r.runs,
  };
}
