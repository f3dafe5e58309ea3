import { z } from 'zod';

import { type FieldError, toFieldErrors } from '../event.js';
import { userIdList } from './userIdList.js';

/** At most this many ids in one POST /api/privacy/suppressions. */
export const MAX_SUPPRESSION_IDS = 1000;

/** Body of POST /api/privacy/suppressions. */
export const suppressionRequestSchema = z
  .object({
    userIds: userIdList(MAX_SUPPRESSION_IDS),
  })
  .strict()
  .meta({
    id: 'SuppressionRequest',
    description: `1 to ${MAX_SUPPRESSION_IDS} user ids to suppress`,
  });

export function parseSuppressionRequest(
  body: unknown,
): { ok: true; userIds: string[] } | { ok: false; errors: FieldError[] } {
  const parsed = suppressionRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  return { ok: true, userIds: [...new Set(parsed.data.userIds)] };
}
