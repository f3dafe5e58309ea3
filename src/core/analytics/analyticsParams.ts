import { z } from 'zod';

import type { RetentionQuery } from '../../ports/index.js';
import { eventSchema, toFieldErrors } from '../event.js';
import {
  dayParamSchema,
  dayRangeShape,
  type Parsed,
  parseDauParams,
  pick,
} from '../queryParams.js';
import { BIN_COUNTS, type BinCount } from './scoreBins.js';

const integer = (name: string, min: number, max: number, fallback: number, example: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback)
    .meta({
      description: `${name}, ${min} to ${max} (default ${fallback})`,
      example: String(example),
    });

export const topEventsQuerySchema = z.object({
  ...dayRangeShape,
  limit: integer('How many types to list', 1, 100, 10, 10),
});

export const retentionQuerySchema = z.object({
  start: dayParamSchema.meta({
    description: 'First day of the first cohort',
    example: '2026-03-02',
  }),
  interval: z.enum(['day', 'week'], { error: 'must be day or week' }).default('day').meta({
    description: 'Cohort and window length: a local day or 7 local days from start',
    example: 'week',
  }),
  cohorts: integer('How many cohorts', 1, 52, 7, 4),
  windows: integer('How many intervals after the cohort’s own', 1, 52, 7, 4),
});

export const modelParamSchema = z
  .string()
  .regex(/^[^@\s]{1,64}@[^@\s]{1,64}$/, 'must be name@version')
  .transform((text) => {
    const at = text.indexOf('@');
    return { name: text.slice(0, at), version: text.slice(at + 1) };
  })
  .meta({
    description: 'The model as name@version (default: the champion)',
    example: 'baseline@3',
  });

export const scoresQuerySchema = topEventsQuerySchema.omit({ limit: true }).extend({
  bins: z
    .enum(BIN_COUNTS.map(String) as [string, ...string[]], {
      error: 'must be 5, 10, 20, 50 or 100',
    })
    .default('10')
    .transform((b) => Number(b) as BinCount)
    .meta({ description: 'Equal bins over [0, 1]', example: '20' }),
  model: modelParamSchema.optional(),
});

export const userIdParamSchema = eventSchema.shape.userId.meta({
  description: 'The userId events were sent with',
  example: 'user-42',
});

export interface TopEventsParams {
  from: string;
  to: string;
  limit: number;
}

/** Query of GET stats/top-events: the DAU day range plus limit. */
export function parseTopEventsParams(
  query: URLSearchParams,
  now: number,
  dayOf?: (ms: number) => string,
): Parsed<TopEventsParams> {
  const parsed = topEventsQuerySchema.safeParse(pick(query, ['from', 'to', 'limit']));
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const range = parseDauParams(query, now, dayOf);
  if (!range.ok) return range;
  return { ok: true, value: { ...range.value, limit: parsed.data.limit } };
}

export interface RetentionParams extends RetentionQuery {
  interval: 'day' | 'week';
}

export function parseRetentionParams(query: URLSearchParams): Parsed<RetentionParams> {
  const parsed = retentionQuerySchema.safeParse(
    pick(query, ['start', 'interval', 'cohorts', 'windows']),
  );
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const { start, interval, cohorts, windows } = parsed.data;
  return {
    ok: true,
    value: { start, interval, intervalDays: interval === 'week' ? 7 : 1, cohorts, windows },
  };
}

export interface ScoresParams {
  from: string;
  to: string;
  bins: BinCount;
  model?: { name: string; version: string } | undefined;
}

export function parseScoresParams(
  query: URLSearchParams,
  now: number,
  dayOf?: (ms: number) => string,
): Parsed<ScoresParams> {
  const parsed = scoresQuerySchema.safeParse(pick(query, ['from', 'to', 'bins', 'model']));
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const range = parseDauParams(query, now, dayOf);
  if (!range.ok) return range;
  return { ok: true, value: { ...range.value, bins: parsed.data.bins, model: parsed.data.model } };
}

export function parseUserId(userId: string | undefined): Parsed<string> {
  const parsed = userIdParamSchema.safeParse(userId);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error, 'userId') };
  return { ok: true, value: parsed.data };
}
