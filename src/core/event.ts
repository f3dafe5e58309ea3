import { z } from 'zod';

export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_EVENTS = 1000;
export const MAX_FUTURE_MS = 60 * 60 * 1000;
export const MAX_PROPERTIES = 50;

const timestamp = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 timestamp with an offset',
});

export const propertyValueSchema = z.union([
  z.string().max(1024, 'must be at most 1024 characters'),
  z.number().refine(Number.isFinite, 'must be a finite number'),
  z.boolean(),
  z.null(),
]);

export const propertiesSchema = z
  .record(
    z
      .string()
      .min(1, 'property names must not be empty')
      .max(64, 'property names must be at most 64 characters'),
    propertyValueSchema,
  )
  .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, {
    message: `must have at most ${MAX_PROPERTIES} keys`,
  });

/** UUIDs are case-insensitive: `3B24…` and `3b24…` must be one event, so ids are kept in lower case. */
const eventIdSchema = z.uuid('must be a UUID').transform((id) => id.toLowerCase());

/** One event as a client sends it. */
export const eventSchema = z
  .strictObject({
    eventId: eventIdSchema
      .optional()
      .meta({ description: 'Idempotency key of the event; assigned by the API when absent' }),
    userId: z
      .string()
      .min(1, 'must not be empty')
      .max(128, 'must be at most 128 characters')
      .regex(/^[A-Za-z0-9_.:@-]+$/, 'may contain only A-Z a-z 0-9 _ . : @ -')
      .meta({ description: 'Who did it', example: 'user-42' }),
    type: z
      .string()
      .min(1, 'must not be empty')
      .max(64, 'must be at most 64 characters')
      .regex(/^[a-z0-9_.:-]+$/, 'may contain only a-z 0-9 _ . : -')
      .meta({ description: 'What happened', example: 'add_to_cart' }),
    occurredAt: timestamp
      .optional()
      .meta({ description: 'When it happened (default: when received); at most 1 h ahead' }),
    amount: z
      .number()
      .refine(Number.isFinite, 'must be a finite number')
      .optional()
      .meta({ description: 'A money amount, when the event has one' }),
    properties: propertiesSchema.optional().meta({
      description: `Up to ${MAX_PROPERTIES} flat properties (string, number, boolean, null)`,
    }),
  })
  .meta({ id: 'Event', description: 'One event as a client sends it' });
export type ClientEvent = z.infer<typeof eventSchema>;

/** The batch envelope; events are validated one by one so each gets its own result. */
export const batchSchema = z.strictObject({
  sentAt: timestamp
    .optional()
    .meta({ description: "The client's clock when it sent the batch: corrects clock skew" }),
  events: z
    .array(z.unknown())
    .min(1, 'must contain at least 1 event')
    .max(MAX_BATCH_EVENTS, `must contain at most ${MAX_BATCH_EVENTS} events`),
});

/** An event after ingest: id assigned, time normalised to UTC and skew-corrected. What the queue carries. */
export const acceptedEventSchema = z.strictObject({
  eventId: eventIdSchema,
  userId: eventSchema.shape.userId,
  type: eventSchema.shape.type,
  occurredAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  amount: eventSchema.shape.amount,
  properties: eventSchema.shape.properties,
  /** Name of the API key that sent the event. */
  source: z.string().min(1).max(64).optional(),
  /** Profile traits (Segment identify/group traits, PostHog `$set`): the latest occurredAt wins per trait. */
  traits: z.record(z.string(), z.json()).optional(),
  /** PostHog `$set_once`: set only where no value exists; the earliest occurredAt wins. */
  traitsOnce: z.record(z.string(), z.json()).optional(),
  /** The events of `previousId` are the same person as `userId`. */
  link: z
    .strictObject({ previousId: z.string().min(1).max(255), via: z.enum(['identify', 'alias']) })
    .optional(),
  /** A group call: `traits` describe the group, and the user's profile names it under `type`. */
  group: z.strictObject({ type: z.string().min(1).max(255), id: z.string().min(1).max(255) }).optional(),
});
export type AcceptedEvent = z.infer<typeof acceptedEventSchema>;

/** What the store holds: the event plus its score. */
export interface ScoredEvent extends AcceptedEvent {
  day: string;
  score: number;
  model: { name: string; version: string };
  reasons?: { feature: string; contribution: number }[];
  challenger?: { name: string; version: string; score: number };
  scoredAt: string;
  /** Scores of later re-scoring runs (`npm run replay -- --model`), keyed `<name>@<version>`. */
  rescores?: Record<string, number>;
}

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: base === '' ? key : `${base}.${key}`,
        code: 'unrecognized_key',
        message: `unknown field "${key}"`,
      }));
    }
    return [{ path: base === '' ? '(root)' : base, code: issue.code, message: issue.message }];
  });
}
