import { z } from 'zod';

import { toFieldErrors } from '../event.js';
import { dayRangeShape, type Parsed, parseDauParams, pick } from '../queryParams.js';
import { TREND_INTERVALS, type TrendInterval } from './trendPeriods.js';

export const MAX_TREND_TYPES = 20;
export const DEFAULT_TREND_TYPES = 5;
/** Day intervals: 366 days, as every other figure; weeks and months: three years. */
export const MAX_TREND_DAYS: Record<TrendInterval, number> = { day: 366, week: 1096, month: 1096 };

const TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:$-]{0,63}$/;

export const trendsQuerySchema = z.object({
  events: z
    .string()
    .transform((text, ctx) => {
      const types = [...new Set(text.split(',').map((t) => t.trim()))];
      if (types.length > MAX_TREND_TYPES)
        ctx.addIssue({ code: 'custom', message: `must name at most ${MAX_TREND_TYPES} types` });
      const bad = types.find((t) => !TYPE_RE.test(t));
      if (bad !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma list of event types (${JSON.stringify(bad)} is not one)`,
        });
      return types;
    })
    .optional()
    .meta({
      description: `Event types, comma separated, at most ${MAX_TREND_TYPES} (default: the ${DEFAULT_TREND_TYPES} most frequent of the range)`,
      example: 'page_view,purchase',
    }),
  ...dayRangeShape,
  interval: z
    .enum(TREND_INTERVALS as [TrendInterval, ...TrendInterval[]], {
      error: 'must be day, week or month',
    })
    .default('day')
    .meta({ description: 'A local day, a calendar week (Monday) or a month', example: 'week' }),
  measure: z
    .enum(['events', 'users'], { error: 'must be events or users' })
    .default('events')
    .meta({
      description: 'Stored events, or distinct users who did the type in the interval',
      example: 'users',
    }),
});

export interface TrendsParams {
  from: string;
  to: string;
  interval: TrendInterval;
  measure: 'events' | 'users';
  types?: string[] | undefined;
}

/** Query of GET stats/trends; `from`/`to` are local days, as for DAU, with a longer span for weeks and months. */
export function parseTrendsParams(
  query: URLSearchParams,
  now: number,
  dayOf: (ms: number) => string,
): Parsed<TrendsParams> {
  const parsed = trendsQuerySchema.safeParse(
    pick(query, ['events', 'from', 'to', 'interval', 'measure']),
  );
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const { interval, measure, events } = parsed.data;
  // The DAU rules (defaults, from ≤ to), with the span allowed for the interval.
  const range = parseDauParams(query, now, dayOf, MAX_TREND_DAYS[interval]);
  if (!range.ok) return range;
  const { from, to } = range.value;
  return { ok: true, value: { from, to, interval, measure, types: events } };
}
