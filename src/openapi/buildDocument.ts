import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';

import type { HttpFunction } from '../app.js';
import type { OperationDocs } from './operationDocs.js';
import { rateLimitHeaders, retryAfterHeaders } from './rateLimitHeaders.js';
import { problemSchema } from './schemas.js';

export type BuiltDocument =
  { ok: true; document: ReturnType<typeof createDocument> } | { ok: false; message: string };

/** `api/assets/{*path}` → `/api/assets/{path}`: Functions' catch-all is a plain parameter in OpenAPI. */
export const toOpenApiPath = (route: string) => `/${route.replace(/\{\*(\w+)\}/g, '{$1}')}`;

const problem = (description: string, headers?: typeof rateLimitHeaders) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: problemSchema } },
});

/**
 * The OpenAPI 3.1 document of the table's HTTP routes. Every route needs its docs entry (keyed by
 * function name) and every docs entry its route, so a route added without documentation is refused.
 */
export function buildDocument(
  routes: readonly HttpFunction[],
  docs: Readonly<Record<string, OperationDocs>>,
  info: { title: string; version: string; description?: string },
): BuiltDocument {
  const names = new Set(routes.map((r) => r.name));
  const undocumented = routes.filter((r) => !docs[r.name]).map((r) => r.name);
  const unrouted = Object.keys(docs).filter((name) => !names.has(name));
  if (undocumented.length > 0 || unrouted.length > 0) {
    return {
      ok: false,
      message: [
        undocumented.length > 0
          ? `no OpenAPI docs for ${undocumented.join(', ')} (add src/openapi/operations/<name>.ts)`
          : '',
        unrouted.length > 0 ? `docs for functions not in the table: ${unrouted.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
  }

  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const operation = docs[route.name]!;
    const item = (paths[toOpenApiPath(route.trigger.route)] ??= {});
    for (const method of route.trigger.methods) {
      const key = method.toLowerCase() as 'get' | 'post';
      const access = route.access;
      const limited = access !== 'public';
      item[key] = {
        operationId: route.name,
        ...operation,
        security: limited ? [{ bearer: [] }, { apiKey: [] }, { basic: [] }] : [],
        responses: limited
          ? {
              ...withHeaders(operation.responses),
              '401': problem('No key, or a key this API does not know'),
              '403': problem(`The key lacks the \`${access.scope}\` scope`),
              '429': {
                ...problem('Over the rate limit; nothing was accepted'),
                headers: retryAfterHeaders,
              },
            }
          : operation.responses,
      };
    }
  }

  return {
    ok: true,
    document: createDocument({
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          basic: {
            type: 'http',
            scheme: 'basic',
            description: 'The key as the user name, an empty password (what Segment sends)',
          },
        },
      },
    }),
  };
}

/** Limited routes send the rate-limit headers on every answer. */
function withHeaders(responses: OperationDocs['responses']): OperationDocs['responses'] {
  const out: OperationDocs['responses'] = {};
  for (const [status, response] of Object.entries(responses) as [
    '200',
    OperationDocs['responses']['200'],
  ][]) {
    out[status] =
      response && !('$ref' in response) && !response.headers
        ? { ...response, headers: rateLimitHeaders }
        : response;
  }
  return out;
}
