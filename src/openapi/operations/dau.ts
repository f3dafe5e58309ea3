import { z } from 'zod';

import { dauQuerySchema, MAX_DAU_DAYS } from '../../core/queryParams.js';
import type { OperationDocs } from '../operationDocs.js';
import { dauSchema, problemSchema } from '../schemas.js';

export const dauDocs: OperationDocs = {
  summary: 'Daily active users',
  description: `Distinct users with at least one stored event per UTC day, every day of the range (zeros included), at most ${MAX_DAU_DAYS} days.`,
  tags: ['queries'],
  requestParams: {
    query: dauQuerySchema.extend({
      from: dauQuerySchema.shape.from.meta({
        param: { examples: { badRange: { value: '2026-01-09' } } },
      }),
      to: dauQuerySchema.shape.to.meta({
        param: { examples: { badRange: { value: '2026-01-01' } } },
      }),
    }),
  },
  responses: {
    '200': {
      description: 'One entry per day, ascending',
      content: {
        'application/json': {
          schema: dauSchema,
          examples: {
            default: {
              value: {
                from: '2026-01-01',
                to: '2026-01-02',
                series: [
                  { day: '2026-01-01', activeUsers: 0 },
                  { day: '2026-01-02', activeUsers: 3 },
                ],
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
            badRange: {
              value: {
                error: {
                  code: 'invalid_parameter',
                  message: 'invalid parameter from: must not be after to',
                  errors: [
                    { path: 'from', code: 'invalid_range', message: 'must not be after to' },
                  ],
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
