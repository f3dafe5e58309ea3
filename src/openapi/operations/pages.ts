import { z } from 'zod';

import type { OperationDocs } from '../operationDocs.js';
import { problemSchema } from '../schemas.js';

const html = (summary: string, description: string): OperationDocs => ({
  summary,
  description,
  tags: ['pages'],
  responses: {
    '200': {
      description:
        'The page (Cache-Control: no-cache; a Content-Security-Policy of this origin only)',
      content: {
        'text/html': {
          schema: z.string(),
          examples: { default: { value: '<!doctype html>…' } },
        },
      },
    },
  },
});

export const docsDocs = html(
  'Interactive API docs',
  'Swagger UI, served with the app, loading /api/openapi.json; "Try it out" calls this host.',
);

export const dashboardDocs = html(
  'Dashboard',
  'Daily active users, top event types, retention, score histogram, a user lookup and health. Its data comes from the read-scoped endpoints.',
);

export const openapiDocs: OperationDocs = {
  summary: 'This document',
  description: 'Generated from the function table and the zod schemas the handlers validate with.',
  tags: ['pages'],
  responses: {
    '200': {
      description: 'OpenAPI 3.1 (Cache-Control: no-cache)',
      content: {
        'application/json': {
          schema: z.looseObject({
            openapi: z.string(),
            info: z.looseObject({ title: z.string(), version: z.string() }),
            paths: z.record(z.string(), z.unknown()),
          }),
          examples: {
            default: {
              value: {
                openapi: '3.1.0',
                info: { title: 'Event scoring API', version: '0.1.0' },
                paths: {},
              },
            },
          },
        },
      },
    },
  },
};

export const assetsDocs: OperationDocs = {
  summary: 'Static files of the pages',
  description:
    "Swagger UI, uPlot and the pages' own scripts. Every path carries the package version or a content hash, so each answer is `Cache-Control: public, max-age=31536000, immutable`. Only the listed files are served.",
  tags: ['pages'],
  requestParams: {
    path: z.object({
      path: z.string().meta({
        description: 'e.g. `uplot@1.6.32/uPlot.esm.js` (the pages link the current ones)',
        param: {
          examples: {
            traversal: { value: '../package.json', summary: 'Outside the listed files: 404' },
          },
        },
      }),
    }),
  },
  responses: {
    '200': {
      description: 'The file, with its content type',
      content: { '*/*': { schema: z.string().meta({ format: 'binary' }) } },
    },
    '404': {
      description: 'Not one of the served files',
      content: {
        'application/json': {
          schema: problemSchema,
          examples: {
            traversal: {
              value: { error: { code: 'not_found', message: 'no such asset' } },
            },
          },
        },
      },
    },
  },
};
