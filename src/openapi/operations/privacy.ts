import { z } from 'zod';

import { userPathSchema } from '../../core/queryParams.js';
import type { OperationDocs } from '../operationDocs.js';
import { problemSchema } from '../schemas.js';

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
