import { z } from 'zod';

import {
  retentionQuerySchema,
  scoresQuerySchema,
  topEventsQuerySchema,
  userIdParamSchema,
} from '../../core/analytics/analyticsParams.js';
import type { OperationDocs } from '../operationDocs.js';
import {
  problemSchema,
  retentionSchema,
  scoreDistributionSchema,
  topEventsSchema,
  userSummarySchema,
} from '../schemas.js';

const badParameter = {
  description: 'A parameter breaks its rule; the error names it',
  content: { 'application/json': { schema: problemSchema } },
};
const storeDown = {
  description: 'The store did not answer',
  headers: z.object({ 'Retry-After': z.string() }),
  content: { 'application/json': { schema: problemSchema } },
};

export const topEventsDocs: OperationDocs = {
  summary: 'Top event types',
  description:
    'Stored events per type over UTC days (inclusive, at most 366), most first, ties by type. Read from per-day rollups: cost grows with days and types, not events.',
  tags: ['analytics'],
  requestParams: { query: topEventsQuerySchema },
  responses: {
    '200': {
      description: 'The types, most first',
      content: {
        'application/json': {
          schema: topEventsSchema,
          examples: {
            default: { value: { from: '2026-03-01', to: '2026-03-30', total: 0, items: [] } },
          },
        },
      },
    },
    '400': badParameter,
    '503': storeDown,
  },
};

export const retentionDocs: OperationDocs = {
  summary: 'Cohort retention',
  description:
    "Cohort c: the users whose first stored event falls in interval c (a UTC day, or 7 days from start). retained[k]: how many of them have an event in interval c + k; incomplete[k] while that interval has not ended. Cost grows with the cohorts' sizes.",
  tags: ['analytics'],
  requestParams: { query: retentionQuerySchema },
  responses: {
    '200': {
      description: 'One entry per cohort',
      content: {
        'application/json': {
          schema: retentionSchema,
          examples: {
            default: {
              value: {
                start: '2026-03-02',
                interval: 'week',
                cohorts: [
                  {
                    cohort: '2026-03-02',
                    size: 0,
                    retained: [0, 0, 0, 0, 0],
                    incomplete: [false, false, false, false, false],
                  },
                ],
              },
            },
          },
        },
      },
    },
    '400': badParameter,
    '503': storeDown,
  },
};

export const scoreDistributionDocs: OperationDocs = {
  summary: 'Score distribution of a model',
  description:
    'Histogram over [0, 1] of the scores a model gave events of the days (a score of exactly 1 in the last bin); the champion by default, with the configured challenger beside it.',
  tags: ['analytics'],
  requestParams: { query: scoresQuerySchema },
  responses: {
    '200': {
      description: 'The histogram',
      content: { 'application/json': { schema: scoreDistributionSchema } },
    },
    '400': badParameter,
    '404': {
      description: 'No champion is loaded, or the named model scored no stored event',
      content: {
        'application/json': {
          schema: problemSchema,
          examples: {
            default: {
              value: {
                error: {
                  code: 'model_not_found',
                  message: 'model baseline@3 has scored no stored event',
                  errors: [
                    {
                      path: 'model',
                      code: 'not_found',
                      message: 'is not a model this store has scores of',
                    },
                  ],
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

export const userSummaryDocs: OperationDocs = {
  summary: "A user's summary",
  description:
    'First and last event, events and active days, and the newest scored document: one read of the user record.',
  tags: ['analytics'],
  requestParams: {
    path: z.object({
      // The example asks for a user no example posts events for: the documented answer is the 404.
      userId: userIdParamSchema.meta({
        description: 'The userId events were sent with',
        example: 'no-events-yet',
      }),
    }),
  },
  responses: {
    '200': {
      description: 'The summary',
      content: { 'application/json': { schema: userSummarySchema } },
    },
    '400': badParameter,
    '404': {
      description: 'The user has no stored event',
      content: {
        'application/json': {
          schema: problemSchema,
          examples: {
            default: {
              value: {
                error: {
                  code: 'user_not_found',
                  message: 'user no-events-yet has no stored events',
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
