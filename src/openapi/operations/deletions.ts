import { z } from 'zod';

import { deletionRequestSchema } from '../../core/privacy/deletion/deletionRequestBody.js';
import type { OperationDocs } from '../operationDocs.js';
import { problemSchema } from '../schemas.js';
import { userIdsBadRequest } from './privacy.js';

const storeDown = {
  description: 'The store did not answer',
  headers: z.object({ 'Retry-After': z.string() }),
  content: { 'application/json': { schema: problemSchema } },
};

const countsSchema = z
  .object({
    documents: z.number().int(),
    profiles: z.number().int(),
    identityLinks: z.number().int(),
    archiveLines: z.number().int(),
    archiveObjects: z.number().int().meta({ description: 'Archive objects rewritten' }),
    deadLetters: z.number().int(),
    queuedEvents: z.number().int().meta({ description: 'Events removed from the embedded queue' }),
    eventFileDays: z.number().int().meta({ description: 'Parquet day files rewritten' }),
    storeRequests: z.number().int(),
  })
  .meta({ id: 'DeletionRemoved', description: 'What the deletion removed, per place' });

const deletionSchema = z
  .object({
    id: z.string(),
    state: z.enum(['pending', 'running', 'done', 'failed']),
    reason: z.string().optional().meta({ description: 'Why it failed; the next run retries it' }),
    requested: z.number().int().meta({ description: 'Ids asked for' }),
    erasedIds: z
      .number()
      .int()
      .meta({ description: 'Ids erased: those asked, their persons and every id linked to them' }),
    suppress: z.boolean(),
    receivedUpTo: z
      .string()
      .meta({ description: 'The cut-off: events received up to it are deleted, later ones kept' }),
    requestedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    step: z.string().meta({ description: 'The next step to run (`finished` when done)' }),
    removed: countsSchema,
    runs: z.number().int().meta({ description: 'Runs that worked on it (a restart adds one)' }),
  })
  .meta({ id: 'Deletion' });

const example = {
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  state: 'done',
  requested: 1,
  erasedIds: 2,
  suppress: false,
  receivedUpTo: '2026-12-05T10:00:00.000Z',
  requestedAt: '2026-12-05T10:00:00.000Z',
  startedAt: '2026-12-05T10:01:00.000Z',
  finishedAt: '2026-12-05T10:01:02.000Z',
  step: 'finished',
  removed: {
    documents: 812,
    profiles: 1,
    identityLinks: 1,
    archiveLines: 812,
    archiveObjects: 40,
    deadLetters: 0,
    queuedEvents: 0,
    eventFileDays: 12,
    storeRequests: 1,
  },
  runs: 1,
};

export const requestDeletionDocs: OperationDocs = {
  summary: 'Delete persons everywhere (admin)',
  description:
    'Records a deletion request and answers 202 at once; GET the `Location` for its state. Each id is resolved to its person and every id linked to them. Once every instance has loaded the deletion ledger (SUPPRESSION_CACHE_SECONDS), the `deletions` timer removes every event of theirs received up to the request time from the store, their profile and identity links, their share of every figure (DAU, top events, retention, score distribution, trends, summaries), their lines in the raw archive, their dead letters, their events still queued and their rows in the Parquet files. Events received after the request are kept. The ledger keeps a fingerprint (SHA-256) of each id, never the id, and every restore, replay and re-score applies it. With `suppress: true` their later events are refused too. Cost: one identity read per id now; the run is described in README, "Privacy".',
  tags: ['privacy'],
  requestBody: {
    required: true,
    content: {
      'application/json': {
        schema: deletionRequestSchema,
        examples: {
          default: { value: { userIds: ['user-42'], suppress: true } },
          empty: { summary: 'No id', value: { userIds: [] } },
        },
      },
    },
  },
  responses: {
    '202': {
      description:
        'Recorded; the deletion runs on the deletions timer. The `Location` header is the URL of its state.',
      content: {
        'application/json': {
          schema: deletionSchema,
          examples: {
            default: {
              value: {
                ...example,
                state: 'pending',
                step: 'resolve',
                startedAt: undefined,
                finishedAt: undefined,
                removed: {
                  ...example.removed,
                  documents: 0,
                  profiles: 0,
                  identityLinks: 0,
                  archiveLines: 0,
                  archiveObjects: 0,
                  eventFileDays: 0,
                  storeRequests: 0,
                },
                runs: 0,
              },
            },
          },
        },
      },
    },
    '400': userIdsBadRequest,
    '503': storeDown,
  },
};

export const deletionStatusDocs: OperationDocs = {
  summary: 'The state of a deletion request (admin)',
  description:
    '`pending` until its start, `running`, `done` or `failed` (with the reason; the next run retries it from the step it stopped at). Counts per place, timestamps; never an id of a person. One point read.',
  tags: ['privacy'],
  requestParams: {
    path: z.object({
      id: z
        .string()
        .meta({ description: 'The request id', example: '6f1c2d3e-0000-4000-8000-000000000000' }),
    }),
  },
  responses: {
    '200': {
      description: 'The request',
      content: {
        'application/json': { schema: deletionSchema, examples: { done: { value: example } } },
      },
    },
    '400': {
      description: 'The id breaks its rule',
      content: { 'application/json': { schema: problemSchema } },
    },
    '404': {
      description: 'No such request',
      content: {
        'application/json': {
          schema: problemSchema,
          examples: {
            default: {
              value: {
                error: {
                  code: 'deletion_not_found',
                  message: 'no deletion request 6f1c2d3e-0000-4000-8000-000000000000',
                },
              },
            },
          },
        },
      },
    },
    '503': storeDown,
  },
};
