import { z } from 'zod';

import { sqlRequestSchema } from '../../core/sql/sqlRequest.js';
import type { OperationDocs } from '../operationDocs.js';
import { problemSchema } from '../schemas.js';

const sqlAnswerSchema = z
  .object({
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    rows: z.array(z.array(z.unknown())),
  })
  .meta({
    id: 'SqlAnswer',
    description: 'The result: column names and DuckDB types, rows as arrays',
  });

export const sqlDocs: OperationDocs = {
  summary: 'SQL over every scored event',
  description:
    'Runs exactly one read-only SELECT over the `events` view of the Parquet files (see README, "SQL", for the columns). ' +
    '`from`/`to` choose the days whose files are read. Bounded in time (408), memory and rows (400); ' +
    'any other statement, table, file, setting or extension is refused (400). Counts as one request of the read limit.',
  tags: ['queries'],
  requestBody: {
    required: true,
    content: {
      'application/json': {
        schema: sqlRequestSchema,
        examples: {
          default: {
            summary: 'Events per type',
            value: {
              query:
                'SELECT type, count(*) AS events FROM events GROUP BY type ORDER BY events DESC',
              from: '2026-01-01',
              to: '2026-01-31',
            },
          },
          refused: {
            summary: 'Anything but one SELECT over events',
            value: { query: "COPY (SELECT * FROM events) TO '/tmp/out.csv'" },
          },
        },
      },
    },
  },
  responses: {
    '200': {
      description: 'The columns and rows',
      content: {
        'application/json': {
          schema: sqlAnswerSchema,
          examples: {
            default: {
              value: {
                columns: [
                  { name: 'type', type: 'VARCHAR' },
                  { name: 'events', type: 'BIGINT' },
                ],
                rows: [
                  ['page_view', 812],
                  ['add_to_cart', 97],
                ],
              },
            },
          },
        },
      },
    },
    '400': {
      description:
        'Not one SELECT over events, a query DuckDB refuses, or past the memory or row bound',
      content: {
        'application/json': {
          schema: problemSchema,
          examples: {
            refused: {
              value: {
                error: { code: 'not_select', message: 'only one SELECT statement is allowed' },
              },
            },
          },
        },
      },
    },
    '408': {
      description: 'The query ran past SQL_TIMEOUT_MS and was interrupted',
      content: { 'application/json': { schema: problemSchema } },
    },
    '503': {
      description: 'The event files could not be read',
      headers: z.object({ 'Retry-After': z.string() }),
      content: { 'application/json': { schema: problemSchema } },
    },
  },
};
