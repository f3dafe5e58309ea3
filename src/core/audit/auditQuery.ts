import { z } from 'zod';

import { type FieldError, toFieldErrors } from '../event.js';

/** Query of GET /api/audit. */
export const auditQuerySchema = z
  .object({
    limit: z
      .string()
      .regex(/^\d+$/, 'must be an integer from 1 to 1000')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 1000, 'must be an integer from 1 to 1000')
      .optional()
      .meta({ description: 'Records per page, 1-1000 (default 100)', example: '100' }),
    cursor: z.string().min(1).optional().meta({ description: 'The `cursor` of the previous page' }),
  })
  .strict();

export function parseAuditQuery(
  query: URLSearchParams,
): { ok: true; value: { limit: number; cursor?: string } } | { ok: false; errors: FieldError[] } {
  const parsed = auditQuerySchema.safeParse(Object.fromEntries(query));
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  return {
    ok: true,
    value: {
      limit: parsed.data.limit ?? 100,
      ...(parsed.data.cursor !== undefined ? { cursor: parsed.data.cursor } : {}),
    },
  };
}
