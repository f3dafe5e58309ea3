import { z } from 'zod';

import { trendsQuerySchema } from '../../core/trends/trendParams.js';
import type { OperationDocs } from '../operationDocs.js';
import { problemSchema, trendsSchema } from '../schemas.js';

export const trendsDocs: OperationDocs = {
  summary: 'Trends per event type',
  description:
    'For each event type (at most 20; default the 5 most frequent of the range), stored events or distinct users who did it in each interval: a local day, a calendar week (Monday to Sunday) or a month of TIMEZONE, every interval from the one holding from to the one holding to, zeros included; weeks and months count whole intervals. At most 366 days with day intervals, 1,096 with weeks or months. Read from rollups written with the events (per type and interval: a count, and a first-seen marker per user): cost grows with intervals and types, not events.',
  tags: ['analytics'],
  requestParams: { query: trendsQuerySchema },
  responses: {
    '200': {
      description: 'One series per type',
      content: {
        'application/json': {
          schema: trendsSchema,
          examples: {
            default: {
              value: {
                from: '2026-03-01',
                to: '2026-03-03',
                interval: 'day',
                measure: 'users',
                timezone: 'Europe/Berlin',
                series: [
                  {
                    type: 'purchase',
                    points: [
                      { start: '2026-03-01', value: 12 },
                      { start: '2026-03-02', value: 0 },
                      { start: '2026-03-03', value: 7 },
                    ],
                  },
                ],
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
    '503': {
      description: 'The store did not answer',
      headers: z.object({ 'Retry-After': z.string() }),
      content: { 'application/json': { schema: problemSchema } },
    },
  },
};
