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

/** The path parameters a preflight's route declares, with the example its request uses. */
type PathParams = z.ZodObject<Record<string, z.ZodString>>;

/** The CORS preflight of a browser route (`<name>Preflight` in the table). */
export function preflightDocs(target: string, path?: PathParams): OperationDocs {
  return {
    summary: `CORS preflight of ${target}`,
    description:
      'Browser routes take calls from any Origin while CORS_ALLOWED_ORIGINS is unset; once set, only the listed ones. An allowed Origin gets 204 with the Access-Control-Allow-* headers (the requested headers included); another Origin 403; an OPTIONS without Origin 204 with Allow.',
    tags: ['cors'],
    requestParams: {
      ...(path ? { path } : {}),
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
}
