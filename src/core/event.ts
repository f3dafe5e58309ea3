import { z } from 'zod';

import {
  MAX_BATCH_EVENTS,
  MAX_JSON_DEPTH,
  MAX_TYPE_LENGTH,
  MAX_USER_ID_LENGTH,
} from './eventLimits.js';
import { type JsonObject, jsonObjectProblem } from './jsonValue.js';
import { userIdProblem } from './userIdRule.js';

export {
  MAX_BATCH_EVENTS,
  MAX_EVENT_BYTES,
  MAX_FUTURE_MS,
  MAX_JSON_DEPTH,
  MAX_JSON_KEY_LENGTH,
  MAX_JSON_STRING_LENGTH,
  MAX_TYPE_LENGTH,
  MAX_USER_ID_LENGTH,
} from './eventLimits.js';
export type { JsonObject, JsonValue } from './jsonValue.js';

const timestamp = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 timestamp with an offset',
});

/** A zod issue for a rule checked by hand; `code` becomes the FieldError's code (toFieldErrors). */
const issue = (input: unknown, message: string, code: string, path: PropertyKey[] = []) => ({
  code: 'custom' as const,
  message,
  input,
  path,
  params: { code },
});

/**
 * A JSON object stored as sent (no copy, no flattening): nesting, key and string lengths checked by
 * jsonObjectProblem, which both this schema and the fast path call.
 */
const jsonObject = (description: string) =>
  // z.unknown, typed: a custom schema is not representable in the OpenAPI document
  (z.unknown() as unknown as z.ZodType<JsonObject>)
    .check((ctx) => {
      const problem = jsonObjectProblem(ctx.value);
      if (problem) ctx.issues.push(issue(ctx.value, problem.message, problem.code, problem.path));
    })
    .meta({
      description,
      override: { type: 'object', additionalProperties: true },
    });

/** `userId` and every id that names a person or group (userIdRule.ts). */
const userIdSchema = (description: string, example?: string) =>
  z
    .string()
    .check((ctx) => {
      const problem = userIdProblem(ctx.value);
      if (problem) ctx.issues.push(issue(ctx.value, problem, 'invalid_user_id'));
    })
    .meta({ description, minLength: 1, maxLength: MAX_USER_ID_LENGTH, example });

/** The events of `previousId` are the same person as `userId`. */
export const linkSchema = z
  .strictObject({
    previousId: userIdSchema('The other id of the person (an anonymous id: `anon:<id>`)'),
    via: z.enum(['identify', 'alias']).meta({ description: 'The call that made the link' }),
  })
  .meta({ description: 'The events of previousId are the same person as userId' });

export const groupSchema = z
  .strictObject({
    type: z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_TYPE_LENGTH, `must be at most ${MAX_TYPE_LENGTH} characters`)
      .meta({ description: 'Kind of group (PostHog group type; `group` for Segment)' }),
    id: userIdSchema('The group'),
  })
  .meta({ description: 'The group the call is about (Segment group, PostHog $groupidentify)' });

export const propertiesSchema = jsonObject(
  `What happened, as sent: objects and arrays nest up to ${MAX_JSON_DEPTH} levels`,
);

/** UUIDs are case-insensitive: `3B24…` and `3b24…` must be one event, so ids are kept in lower case. */
const eventIdSchema = z.uuid('must be a UUID').transform((id) => id.toLowerCase());

/** One event as a client sends it. */
export const eventSchema = z
  .strictObject({
    eventId: eventIdSchema
      .optional()
      .meta({ description: 'Idempotency key of the event; assigned by the API when absent' }),
    userId: userIdSchema(
      `Who did it: 1-${MAX_USER_ID_LENGTH} characters, Unicode, no control characters`,
      'user-42',
    ),
    type: z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_TYPE_LENGTH, `must be at most ${MAX_TYPE_LENGTH} characters`)
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
    properties: propertiesSchema.optional(),
    context: jsonObject(
      'Library context (Segment `context`, PostHog `$` properties): device, page, library, ...',
    ).optional(),
    integrations: jsonObject('Segment `integrations`, kept as sent').optional(),
    traits: jsonObject('Traits of the user (or of the group): later values win').optional(),
    traitsOnce: jsonObject(
      'Traits set only when the user has none yet (PostHog `$set_once`)',
    ).optional(),
    link: linkSchema.optional(),
    group: groupSchema.optional(),
  })
  .check((ctx) => {
    const { link, userId } = ctx.value;
    if (link !== undefined && link.previousId === userId) {
      ctx.issues.push(
        issue(ctx.value, 'must differ from userId', 'same_as_user_id', ['link', 'previousId']),
      );
    }
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
  context: eventSchema.shape.context,
  integrations: eventSchema.shape.integrations,
  traits: eventSchema.shape.traits,
  traitsOnce: eventSchema.shape.traitsOnce,
  link: eventSchema.shape.link,
  group: eventSchema.shape.group,
  /** Name of the API key that sent the event. */
  source: z.string().min(1).max(64).optional(),
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
    const code =
      issue.code === 'custom' && typeof issue.params?.code === 'string'
        ? issue.params.code
        : issue.code;
    return [{ path: base === '' ? '(root)' : base, code, message: issue.message }];
  });
}
