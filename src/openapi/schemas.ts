import { z } from 'zod';

import { acceptedEventSchema, batchSchema, eventSchema, MAX_BATCH_EVENTS } from '../core/event.js';

/** Schemas of what the API answers; requests use the core schemas the handlers validate with. */

export const fieldErrorSchema = z.object({
  path: z.string().meta({ description: 'The field at fault, dotted (events.0.userId)' }),
  code: z.string(),
  message: z.string().meta({ description: 'The rule it broke' }),
});

export const problemSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid_parameter' }),
      message: z.string(),
      errors: z.array(fieldErrorSchema).optional(),
    }),
  })
  .meta({ id: 'Problem', description: 'The one error shape of every 4xx and 5xx' });

/** The batch as documented: the envelope the handler checks, with the events it checks one by one. */
export const batchBodySchema = batchSchema
  .extend({ events: z.array(eventSchema).min(1).max(MAX_BATCH_EVENTS) })
  .meta({
    id: 'Batch',
    description:
      'Up to 1000 events; each is validated on its own and gets its own result, so one bad event does not reject the rest',
  });

export const ingestBodySchema = z.union([eventSchema, batchBodySchema]);

export const eventResultSchema = z.object({
  index: z.number().int(),
  eventId: z.string().nullable(),
  status: z.enum(['accepted', 'rejected', 'duplicate']),
  errors: z.array(fieldErrorSchema).optional(),
  duplicateOf: z.number().int().optional(),
});

export const ingestResultSchema = z
  .object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    duplicates: z.number().int(),
    results: z.array(eventResultSchema),
  })
  .meta({ id: 'IngestResult', description: 'Per-event results, in the order sent' });

const modelRef = z.object({ name: z.string(), version: z.string() });

export const scoredEventSchema = acceptedEventSchema
  .extend({
    // The contract lower-cases eventIds on the way in; what is stored is already a plain UUID.
    eventId: z.uuid(),
    day: z.string(),
    score: z.number().min(0).max(1),
    model: modelRef,
    reasons: z.array(z.object({ feature: z.string(), contribution: z.number() })).optional(),
    challenger: modelRef.extend({ score: z.number() }).optional(),
    scoredAt: z.iso.datetime(),
  })
  .meta({ id: 'ScoredEvent', description: 'A stored event with its score and top reasons' });

export const scorePageSchema = z.object({
  userId: z.string(),
  items: z.array(scoredEventSchema),
  continuationToken: z
    .string()
    .nullable()
    .meta({ description: 'Pass as continuationToken for the next page; null on the last' }),
});

export const dauSchema = z.object({
  from: z.string(),
  to: z.string(),
  series: z.array(z.object({ day: z.string(), activeUsers: z.number().int() })),
});

const checkSchema = z.object({
  status: z.enum(['ok', 'down']),
  detail: z.string().optional(),
});

export const healthSchema = z.object({
  status: z.enum(['ok', 'down']),
  down: z.array(z.string()).optional(),
  checks: z.object({ queue: checkSchema, store: checkSchema, model: checkSchema }),
  access: z
    .object({ mode: z.enum(['open', 'keys']) })
    .meta({ description: 'open: the local host has no key yet and takes requests without one' }),
});

export const topEventsSchema = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number().int().meta({ description: 'Stored events of every type in the range' }),
  items: z.array(z.object({ type: z.string(), events: z.number().int() })),
});

export const retentionSchema = z.object({
  start: z.string(),
  interval: z.enum(['day', 'week']),
  cohorts: z.array(
    z.object({
      cohort: z.string().meta({ description: 'First day of the cohort interval' }),
      size: z.number().int().meta({ description: 'Users whose first stored event is in it' }),
      retained: z
        .array(z.number().int())
        .meta({ description: 'retained[k]: members active in interval cohort + k (0 = size)' }),
      incomplete: z
        .array(z.boolean())
        .meta({ description: 'incomplete[k]: interval cohort + k has not ended yet' }),
    }),
  ),
});

const distributionSchema = z.object({
  count: z.number().int(),
  mean: z.number().nullable().meta({ description: 'null when nothing was scored' }),
  bins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
});

export const scoreDistributionSchema = distributionSchema.extend({
  from: z.string(),
  to: z.string(),
  model: modelRef,
  challenger: distributionSchema
    .extend({ model: modelRef })
    .optional()
    .meta({ description: 'The configured challenger over the same days, to judge drift' }),
});

export const userSummarySchema = z.object({
  userId: z.string(),
  firstSeen: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
  events: z.number().int(),
  activeDays: z.number().int(),
  latest: scoredEventSchema,
});

const compatRejectionSchema = z.object({
  index: z.number().int(),
  messageId: z.string().nullable(),
  errors: z.array(fieldErrorSchema),
});

const compatCounts = {
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z
    .array(compatRejectionSchema)
    .meta({ description: 'Messages not taken, each with its reasons (the batch still succeeds)' }),
};

export const segmentAnswerSchema = z.object({ success: z.literal(true), ...compatCounts });
export const posthogAnswerSchema = z.object({ status: z.literal('Ok'), ...compatCounts });
