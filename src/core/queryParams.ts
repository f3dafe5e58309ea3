import { z } from 'zod';

import type { ScoreCursor } from '../ports.js';
import { decodeCursor } from './cursor.js';
import { addDays, parseDay, toDay } from './day.js';
import { eventSchema, type FieldError, toFieldErrors } from './event.js';

export const MAX_DAU_DAYS = 366;
export const DEFAULT_DAU_DAYS = 30;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const dayOrTimestamp = z.string().transform((text, ctx) => {
  const day = parseDay(text);
  if (day !== undefined) return new Date(day).toISOString();
  const ts = z.iso.datetime({ offset: true }).safeParse(text);
  if (ts.success) return new Date(ts.data).toISOString();
  ctx.addIssue({
    code: 'custom',
    message: 'must be YYYY-MM-DD or an ISO-8601 timestamp with an offset',
  });
  return z.NEVER;
});

/** Path parameters of GET users/{userId}/scores. */
export const userPathSchema = z.object({
  userId: eventSchema.shape.userId.meta({ description: 'The user', example: 'user-42' }),
});

/** Query of GET users/{userId}/scores. */
export const userScoresQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, 'must be an integer from 1 to 100')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(100, 'must be at most 100'))
    .default(20)
    .meta({ description: 'Page size, 1 to 100 (default 20)', example: '5' }),
  from: dayOrTimestamp
    .optional()
    .meta({ description: 'Inclusive lower bound on occurredAt: YYYY-MM-DD or a timestamp' }),
  to: dayOrTimestamp
    .optional()
    .meta({ description: 'Exclusive upper bound on occurredAt: YYYY-MM-DD or a timestamp' }),
  continuationToken: z
    .string()
    .transform((token, ctx) => {
      const cursor = decodeCursor(token);
      if (cursor === undefined)
        ctx.addIssue({ code: 'custom', message: 'is not a token this API issued' });
      return cursor as ScoreCursor;
    })
    .optional()
    .meta({ description: "The previous page's continuationToken" }),
});

const userScoresSchema = userPathSchema
  .extend(userScoresQuerySchema.shape)
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    path: ['from'],
    message: 'must be before to',
  });

export type UserScoresParams = z.output<typeof userScoresSchema>;

/** Route and query parameters of GET users/{userId}/scores; other query keys (such as `code`) are ignored. */
export function parseUserScoresParams(
  userId: string | undefined,
  query: URLSearchParams,
): Parsed<UserScoresParams> {
  const parsed = userScoresSchema.safeParse({
    userId,
    ...pick(query, ['limit', 'from', 'to', 'continuationToken']),
  });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: toFieldErrors(parsed.error) };
}

const day = z
  .string()
  .refine((t) => parseDay(t) !== undefined, 'must be a calendar day YYYY-MM-DD');

/** Query of GET stats/dau. */
export const dauQuerySchema = z.object({
  from: day.optional().meta({
    description: 'First day, inclusive (default: 29 days before to)',
    example: '2026-01-01',
  }),
  to: day
    .optional()
    .meta({ description: 'Last day, inclusive (default: today, UTC)', example: '2026-01-07' }),
});

export interface DauParams {
  from: string;
  to: string;
}

/** Query of GET stats/dau: inclusive day range, at most 366 days, by default the 30 days ending today (UTC). */
export function parseDauParams(query: URLSearchParams, now: number): Parsed<DauParams> {
  const parsed = dauQuerySchema.safeParse(pick(query, ['from', 'to']));
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const to =
    parsed.data.to ??
    (parsed.data.from
      ? minDay(addDays(parsed.data.from, DEFAULT_DAU_DAYS - 1), toDay(now))
      : toDay(now));
  const from = parsed.data.from ?? addDays(to, -(DEFAULT_DAU_DAYS - 1));
  if (from > to)
    return {
      ok: false,
      errors: [{ path: 'from', code: 'invalid_range', message: 'must not be after to' }],
    };
  if (addDays(from, MAX_DAU_DAYS - 1) < to) {
    return {
      ok: false,
      errors: [
        { path: 'to', code: 'too_big', message: `range must span at most ${MAX_DAU_DAYS} days` },
      ],
    };
  }
  return { ok: true, value: { from, to } };
}

const minDay = (a: string, b: string) => (a < b ? a : b);

export function pick(query: URLSearchParams, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = query.get(key);
    if (value !== null) out[key] = value;
  }
  return out;
}
