import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import type { HttpFunction } from '../app.js';
import { openCaller } from '../core/access/scope.js';
import { corsResponseHeaders, parseCorsPolicy } from '../core/cors/corsPolicy.js';
import type { Deps } from '../deps.js';
import { traceIdOf } from '../logging/traceId.js';
import { problem } from './respond.js';
import { unexpectedError } from './unexpectedError.js';

/** An HttpHandler of @azure/functions that always answers with a plain HttpResponseInit. */
export type BoundHandler = (
  request: HttpRequest,
  context: InvocationContext,
) => Promise<HttpResponseInit>;

/** On every answer of both hosts: a browser must never guess a JSON error to be HTML. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
};

/**
 * Turns a table entry into the HttpHandler both hosts register: checks the key for the route's scope,
 * takes a request's token where the route costs one, and adds the rate-limit headers to the answer.
 * Whatever the handler throws becomes a 500 with a logged incident id, never a crash; every answer
 * gets nosniff, the CORS headers for an allowed origin, and one log line.
 */
export function bindHttpFunction(definition: HttpFunction, deps: Deps): BoundHandler {
  const handler = definition.create(deps);
  const access = definition.access;
  const cors = parseCorsPolicy(deps.config.CORS_ALLOWED_ORIGINS);
  const run = async (request: HttpRequest, context: InvocationContext) => {
    if (access === 'public') return handler(request, context, openCaller);
    // The key may be in the body: the handler authenticates once it has read it (and takes the tokens).
    if ('key' in access) return handler(request, context, openCaller);
    const auth = await deps.access.authenticate(request.headers, access.scope);
    if (!auth.ok) {
      return problem(auth.status, auth.code, auth.message, undefined, {
        ...(auth.status === 401
          ? { 'www-authenticate': 'Bearer realm="api", Basic realm="api"' }
          : {}),
        ...(auth.status === 503 ? { 'retry-after': '5' } : {}),
      });
    }
    if (access.cost === 'events') return handler(request, context, auth.caller);
    const limit = await deps.access.take(auth.caller, 1);
    if (!limit.ok) return rateLimited(limit.retryAfterSeconds, limit.headers);
    return withHeaders(await handler(request, context, auth.caller), limit.headers);
  };
  return async (request, context) => {
    const started = performance.now();
    const fields = {
      function: definition.name,
      invocationId: context.invocationId,
      traceId: traceIdOf(request.headers.get('traceparent') ?? context.traceContext?.traceParent),
    };
    let response: HttpResponseInit;
    try {
      response = await run(request, context);
    } catch (err) {
      response = unexpectedError(err, deps.logger, fields);
    }
    const status = response.status ?? 200;
    const counts = countsOf(response.jsonBody);
    const line = {
      ...fields,
      method: request.method,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...counts,
    };
    if (status >= 500) deps.logger.warn('request', line);
    else deps.logger.info('request', line);
    return withHeaders(response, {
      ...corsResponseHeaders(cors, request.headers.get('origin')),
      ...SECURITY_HEADERS,
    });
  };
}

/** The per-event counts of an ingest answer, for the log line. */
function countsOf(body: unknown): Record<string, number> {
  if (typeof body !== 'object' || body === null || !('accepted' in body)) return {};
  const counts: Record<string, number> = {};
  for (const key of ['accepted', 'rejected', 'duplicates'] as const) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === 'number') counts[key] = value;
  }
  return counts;
}

export function rateLimited(retryAfterSeconds: number, headers: Record<string, string>) {
  return problem(
    429,
    'rate_limited',
    `rate limit exceeded; retry after ${retryAfterSeconds} s`,
    undefined,
    { ...headers, 'retry-after': String(retryAfterSeconds) },
  );
}

export function withHeaders(
  response: HttpResponseInit,
  headers: Record<string, string>,
): HttpResponseInit {
  if (Object.keys(headers).length === 0) return response;
  const merged = new Headers(response.headers);
  for (const [k, v] of Object.entries(headers)) merged.set(k, v);
  return { ...response, headers: Object.fromEntries(merged) };
}
