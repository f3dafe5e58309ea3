import { z } from 'zod';

import { auditQuerySchema } from '../../core/audit/auditQuery.js';
import { suppressionRequestSchema } from '../../core/privacy/suppressionRequest.js';
import { userPathSchema } from '../../core/queryParams.js';
import type { OperationDocs } from '../operationDocs.js';
import { problemSchema } from '../schemas.js';

const suppressionSchema = z
  .object({
    userId: z.string(),
    suppressedAt: z.string().meta({ description: 'When it was suppressed (ISO 8601)' }),
    keyId: z.string().meta({ description: 'The id of the admin key that suppressed it' }),
  })
  .meta({ id: 'Suppression' });

const storeDown = {
  description: 'The store did not answer',
  headers: z.object({ 'Retry-After': z.string() }),
  content: { 'application/json': { schema: problemSchema } },
};

/** The 400 of a `{ userIds }` body, with the example of an empty list (suppressions, deletions). */
export const userIdsBadRequest = {
  description: 'The body breaks its rule; the error names the field',
  content: {
    'application/json': {
      schema: problemSchema,
      examples: {
        empty: {
          value: {
            error: {
              code: 'invalid_parameter',
              message: 'invalid parameter userIds: Too small: expected array to have >=1 items',
              errors: [
                {
                  path: 'userIds',
                  code: 'too_small',
                  message: 'Too small: expected array to have >=1 items',
                },
              ],
            },
          },
        },
      },
    },
  },
};

export const addSuppressionsDocs: OperationDocs = {
  summary: 'Suppress users: refuse their later events',
  description:
    'From then on every entry point (`POST /api/events`, the Segment and PostHog routes, and so the import) rejects their events one by one with code `suppressed`, accepting the rest of the batch. Other instances see the change within SUPPRESSION_CACHE_SECONDS. Adding an id twice keeps one record. Events already stored are kept (deletion is another operation). One write per id.',
  tags: ['privacy'],
  requestBody: {
    required: true,
    content: {
      'application/json': {
        schema: suppressionRequestSchema,
        examples: {
          default: { value: { userIds: ['user-42', 'anon:7f3c'] } },
          empty: { summary: 'No id', value: { userIds: [] } },
        },
      },
    },
  },
  responses: {
    '200': {
      description: 'The ids are suppressed',
      content: {
        'application/json': {
          schema: z.object({ suppressed: z.number().int(), suppressedAt: z.string() }),
          examples: {
            default: { value: { suppressed: 2, suppressedAt: '2026-12-04T12:00:00.000Z' } },
          },
        },
      },
    },
    '400': userIdsBadRequest,
    '503': storeDown,
  },
};

export const listSuppressionsDocs: OperationDocs = {
  summary: 'The suppressed users',
  description: 'Every suppressed id, ordered by id: a read of the whole (small) list.',
  tags: ['privacy'],
  responses: {
    '200': {
      description: 'The list',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(suppressionSchema) }),
          examples: {
            default: {
              value: {
                items: [
                  {
                    userId: 'user-42',
                    suppressedAt: '2026-12-04T12:00:00.000Z',
                    keyId: 'a1b2c3d4e5f60718',
                  },
                ],
              },
            },
          },
        },
      },
    },
    '503': storeDown,
  },
};

export const liftSuppressionDocs: OperationDocs = {
  summary: 'Lift a suppression',
  description:
    "The user's events are accepted again (on other instances within SUPPRESSION_CACHE_SECONDS). One delete.",
  tags: ['privacy'],
  requestParams: { path: userPathSchema },
  responses: {
    '204': { description: 'Lifted' },
    '404': {
      description: 'The user is not suppressed',
      content: { 'application/json': { schema: problemSchema } },
    },
    '503': storeDown,
  },
};

const auditRecordSchema = z
  .object({
    id: z.string(),
    at: z.string().meta({ description: 'When (ISO 8601)' }),
    actor: z.string().meta({ description: 'The admin key id, or `cli` for a command on the host' }),
    action: z.enum([
      'key.create',
      'key.rotate',
      'key.revoke',
      'suppression.add',
      'suppression.lift',
      'restore',
    ]),
    target: z.string().meta({ description: 'A key id, a user id or a backup location' }),
  })
  .meta({ id: 'AuditRecord' });

export const auditListDocs: OperationDocs = {
  summary: 'The audit log of admin actions, newest first',
  description:
    'Every key create/rotate/revoke, suppression add/lift and restore: who (key id), what, on what, when. Never event data or a secret. Append-only. Pages with `cursor`; one range read per page.',
  tags: ['privacy'],
  requestParams: { query: auditQuerySchema },
  responses: {
    '200': {
      description: 'A page of records',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(auditRecordSchema), cursor: z.string().nullable() }),
          examples: {
            default: {
              value: {
                items: [
                  {
                    id: '3b241101-e2bb-4255-8caf-4136c566a962',
                    at: '2026-12-04T12:00:00.000Z',
                    actor: 'a1b2c3d4e5f60718',
                    action: 'suppression.add',
                    target: 'user-42',
                  },
                ],
                cursor: null,
              },
            },
          },
        },
      },
    },
    '400': {
      description: 'A parameter breaks its rule; the error names it',
      content: { 'application/json': { schema: problemSchema } },
    },
    '503': storeDown,
  },
};

export const exportUserDocs: OperationDocs = {
  summary: 'Everything stored about a person, as NDJSON (admin)',
  description:
    "Streams one JSON object per line, each with a `kind`: `document` (every scored event of the person and of every id linked to them, newest first), `profile`, `link` (an id linked to the person), `deadLetter` (messages set aside that name one of those ids), then one `summary`: counts, the archive hours (by the documents' receivedAt) that hold objects which may contain the person's raw events (listed, not read), and a note that backups taken meanwhile may hold them. Cost: the user's pages of the store (one partition per id), one identity read, one dead-letter query (cross-partition on Cosmos DB, a small container), one archive listing per distinct hour.",
  tags: ['privacy'],
  requestParams: { path: userPathSchema },
  responses: {
    '200': {
      description: 'The export, one JSON object per line; an unknown id gives just its summary',
      content: {
        'application/x-ndjson': {
          schema: z.string(),
          examples: {
            default: {
              value:
                '{"kind":"document","document":{"eventId":"3b241101-e2bb-4255-8caf-4136c566a962","userId":"user-42","type":"checkout","occurredAt":"2026-01-05T10:00:00.000Z","receivedAt":"2026-01-05T10:00:00.120Z","day":"2026-01-05","score":0.83}}\n{"kind":"link","personId":"user-42","linkedId":"anon:7f3c"}\n{"kind":"summary","userId":"user-42","personId":"user-42","documents":1,"links":1,"profile":false,"deadLetters":0,"archive":{"hours":["2026/01/05/10/"],"present":true},"backups":"…"}\n',
            },
          },
        },
      },
    },
    '400': {
      description: 'The user id breaks its rule',
      content: { 'application/json': { schema: problemSchema } },
    },
    '503': {
      description: 'The store did not answer; retry later',
      content: { 'application/json': { schema: problemSchema } },
    },
  },
};
