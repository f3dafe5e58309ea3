import { z } from 'zod';

import { userIdProblem } from '../userIdRule.js';

/** One userId in a privacy request body, by the rule of events (code `invalid_user_id`). */
export const requestedUserId = z
  .string()
  .superRefine((id, ctx) => {
    const problem = userIdProblem(id);
    if (problem)
      ctx.addIssue({ code: 'custom', message: problem, params: { code: 'invalid_user_id' } });
  })
  .meta({ description: 'A userId, by the rule of events', example: 'user-42' });

/** 1 to `max` such ids. */
export const userIdList = (max: number) => z.array(requestedUserId).min(1).max(max);
