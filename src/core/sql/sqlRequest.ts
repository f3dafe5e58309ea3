import { z } from 'zod';

import { type FieldError, toFieldErrors } from '../event.js';
import { parseDay } from '../time/calendarDay.js';

export const MAX_QUERY_CHARS = 20_000;

const day = z
  .string()
  .refine((t) => parseDay(t) !== undefined, 'must be a calendar day YYYY-MM-DD');

/** The body of POST /api/sql, and the CLI's arguments after parsing. */
export const sqlRequestSchema = z
  .strictObject({
    query: z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`)
      .meta({
        description: 'One SELECT over the `events` view',
        example: 'SELECT type, count(*) AS events FROM events GROUP BY type ORDER BY events DESC',
      }),
    from: day.optional().meta({
      description: 'First day whose files are read, inclusive (default: the first)',
      example: '2026-01-01',
    }),
    to: day.optional().meta({
      description: 'Last day whose files are read, inclusive (default: the last)',
      example: '2026-01-31',
    }),
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, {
    message: 'must not be after to',
    path: ['from'],
  })
  .meta({ id: 'SqlRequest', description: 'A query over the scored events' });

export type SqlRequestBody = z.infer<typeof sqlRequestSchema>;

export function parseSqlRequest(
  body: unknown,
): { ok: true; value: SqlRequestBody } | { ok: false; errors: FieldError[] } {
  const parsed = sqlRequestSchema.safeParse(body);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: toFieldErrors(parsed.error) };
}
