import { z } from 'zod';

import type { ScoreCursor } from '../ports/index.js';
import { decodeCursor } from './cursor.js';
import { eventSchema, type FieldError, toFieldErrors } from './event.js';
import { addDays, parseDay, utcDay } from './time/calendarDay.js';
import { DAY_MS } from './time/civil.js';

export const MAX_DAU_DAYS = 366;
export const DEFAULT_DAU_DAYS = 30;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** A day stays YYYY-MM-DD here: parseUserScoresParams turns it into its first instant in the zone. */
const dayOrTimestamp = z.string().transform((text, ctx) => {
  if (parseDay(text) !== undefined) return text;
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

const userScoresSchema = userPathSchema.extend(userScoresQuerySchema.shape);

export type UserScoresParams = z.output<typeof userScoresSchema>;

/** The UTC midnight of a day: the start of a day in UTC, the default zone. */
const utcStartOfDay = (day: number) => day * DAY_MS;

/**
 * Route and query parameters of GET users/{userId}/scores; other query keys (such as `code`) are
 * ignored. A bound given as a day means the first instant of that day in the project's zone.
 */
export function parseUserScoresParams(
  userId: string | undefined,
  query: URLSearchParams,
  startOfDay: (day: number) => number = utcStartOfDay,
): Parsed<UserScoresParams> {
  const parsed = userScoresSchema.safeParse({
    userId,
    ...pick(query, ['limit', 'from', 'to', 'continuationToken']),
  });
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const instant = (text: string | undefined) => {
    const day = text === undefined ? undefined : parseDay(text);
    return day === undefined ? text : new Date(startOfDay(day)).toISOString();
  };
  const value = { ...parsed.data, from: instant(parsed.data.from), to: instant(parsed.data.to) };
  if (value.from !== undefined && value.to !== undefined && value.from >= value.to)
    return {
      ok: false,
      errors: [{ path: 'from', code: 'custom', message: 'must be before to' }],
    };
  return { ok: true, value };
}

export const dayParamSchema = z
  .string({ error: 'is required, as YYYY-MM-DD' })
  .refine((t) => parseDay(t) !== undefined, 'must be a calendar day YYYY-MM-DD')
  .meta({ description: 'A calendar day in the project’s zone (TIMEZONE)', example: '2026-03-01' });

/** `from` and `to` of every day-range query (DAU, top events, trends): inclusive days in TIMEZONE. */
export const dayRangeShape = {
  from: dayParamSchema.optional().meta({
    description: 'First day, inclusive (default: 29 days before to)',
    example: '2026-03-01',
  }),
  to: dayParamSchema.optional().meta({
    description: 'Last day, inclusive (default: today in TIMEZONE)',
    example: '2026-03-30',
  }),
};

/** Query of GET stats/dau. */
export const dauQuerySchema = z.object(dayRangeShape);

export interface DauParams {
  from: string;
  to: string;
}

/** Query of GET stats/dau: inclusive day range, at most 366 days, by default the 30 days ending today (UTC). */
export function parseDauParams(
  query: URLSearchParams,
  now: number,
  dayOf: (ms: number) => string = utcDay,
  maxDays = MAX_DAU_DAYS,
): Parsed<DauParams> {
  const parsed = dauQuerySchema.safeParse(pick(query, ['from', 'to']));
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const to =
    parsed.data.to ??
    (parsed.data.from
      ? minDay(addDays(parsed.data.from, DEFAULT_DAU_DAYS - 1), dayOf(now))
      : dayOf(now));
  const from = parsed.data.from ?? addDays(to, -(DEFAULT_DAU_DAYS - 1));
  if (from > to)
    return {
      ok: false,
      errors: [{ path: 'from', code: 'invalid_range', message: 'must not be after to' }],
    };
  if (addDays(from, maxDays - 1) < to) {
    return {
      ok: false,
      errors: [{ path: 'to', code: 'too_big', message: `range must span at most ${maxDays} days` }],
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
