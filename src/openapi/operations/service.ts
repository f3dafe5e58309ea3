import { z } from 'zod';

import type { OperationDocs } from '../operationDocs.js';
import { problemSchema } from '../schemas.js';

export const metricsDocs: OperationDocs = {
  summary: "This process's metrics, Prometheus text",
  description:
    'Events received, accepted, rejected and duplicates by source; ingest latency; rate-limited requests; local queue depth and oldest age; scorer lag; store write latency. On the local host only: in Azure each instance would report only its own counters, so the figures go to Application Insights and this answers 404.',
  tags: ['service'],
  responses: {
    '200': {
      description: 'Prometheus text exposition format 0.0.4',
      content: {
        'text/plain': {
          schema: z.string(),
          examples: { default: { value: '# HELP events_received_total …\n' } },
        },
      },
    },
    '404': {
      description: 'In Azure: the figures are in Application Insights',
      content: { 'application/json': { schema: problemSchema } },
    },
  },
};

export const ingestPreflightDocs: OperationDocs = {
  summary: 'CORS preflight of POST /api/events',
  description:
    'An allowed Origin (CORS_ALLOWED_ORIGINS) gets 204 with the Access-Control-Allow-* headers; another Origin 403; an OPTIONS without Origin 204 with Allow.',
  tags: ['events'],
  requestParams: {
    header: z.object({
      Origin: z.string().optional().meta({ example: 'https://app.example.com' }),
      'Access-Control-Request-Method': z.string().optional().meta({ example: 'POST' }),
    }),
  },
  responses: {
    '204': {
      description: 'Allowed, or no preflight at all (no Origin)',
      headers: z.object({
        Allow: z.string(),
        'Access-Control-Allow-Origin': z.string().optional(),
        'Access-Control-Allow-Methods': z.string().optional(),
        'Access-Control-Allow-Headers': z.string().optional(),
      }),
    },
    '403': {
      description: 'The Origin is not allowed',
      content: { 'application/json': { schema: problemSchema } },
    },
  },
};
