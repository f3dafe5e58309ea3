import { z } from 'zod';

import { type FieldError, toFieldErrors } from '../event.js';
import { userIdProblem } from '../userIdRule.js';

/** At most this many ids in one POST /api/privacy/suppressions. */
export const MAX_SUPPRESSION_IDS = 1000;

const userId = z
  .string()
  .superRefine((id, ctx) => {
    const problem = userIdProblem(id);
    if (problem)
      ctx.addIssue({ code: 'custom', message: problem, params: { code: 'invalid_user_id' } });
  })
  .meta({ description: 'A userId, by the rule of events', example: 'user-42' });

/** Body of POST /api/privacy/suppressions. */
export const suppressionRequestSchema = z
  .object({
    userIds: z.array(userId).min(1).max(MAX_SUPPRESSION_IDS),
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
