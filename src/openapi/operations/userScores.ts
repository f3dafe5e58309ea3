import { z } from 'zod';

import { userPathSchema, userScoresQuerySchema } from '../../core/queryParams.js';
import type { OperationDocs } from '../operationDocs.js';
import { problemSchema, scorePageSchema } from '../schemas.js';

export const userScoresDocs: OperationDocs = {
  summary: "A user's scored events, newest first",
  description:
    'Reads one partition of the store. Pages with `continuationToken`; `from`/`to` bound occurredAt.',
  tags: ['queries'],
  requestParams: {
    path: userPathSchema,
    query: userScoresQuerySchema.extend({
      limit: userScoresQuerySchema.shape.limit.meta({
        param: { examples: { badLimit: { value: '0' } } },
      }),
    }),
  },
  responses: {
    '200': {
      description: 'A page of scored events (empty when the user has none)',
      content: {
        'application/json': {
          schema: scorePageSchema,
          examples: {
            default: {
              value: {
                userId: 'user-42',
                items: [
                  {
                    eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
                    userId: 'user-42',
                    type: 'checkout',
                    occurredAt: '2026-01-05T10:00:00.000Z',
                    receivedAt: '2026-01-05T10:00:00.120Z',
                    amount: 59,
                    day: '2026-01-05',
                    score: 0.83,
                    model: { name: 'purchase-propensity', version: '3' },
                    reasons: [{ feature: 'type=checkout', contribution: 1.2 }],
                    scoredAt: '2026-01-05T10:00:00.400Z',
                  },
                ],
                continuationToken: null,
              },
            },
          },
        },
      },
    },
    '400': {
      description: 'A parameter breaks its rule; the error names it',
      content: {
        'application/json': {
          schema: problemSchema,
          examples: {
            badLimit: {
              value: {
                error: {
                  code: 'invalid_parameter',
                  message: 'invalid parameter limit: must be at least 1',
                  errors: [{ path: 'limit', code: 'too_small', message: 'must be at least 1' }],
                },
              },
            },
          },
        },
      },
    },
    '503': {
      description: 'The store did not answer',
      headers: z.object({ 'Retry-After': z.string() }),
      content: { 'application/json': { schema: problemSchema } },
    },
  },
};
