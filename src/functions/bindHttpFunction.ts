import type { HttpHandler, HttpResponseInit } from '@azure/functions';
import type { HttpFunction } from '../app.js';
import { openCaller } from '../core/access/scope.js';
import type { Deps } from '../deps.js';
import { problem } from './respond.js';

/**
 * Turns a table entry into the HttpHandler both hosts register: checks the key for the route's scope,
 * takes a request's token where the route costs one, and adds the rate-limit headers to the answer.
 */
export function bindHttpFunction(definition: HttpFunction, deps: Deps): HttpHandler {
  const handler = definition.create(deps);
  const access = definition.access;
  if (access === 'public') return (request, context) => handler(request, context, openCaller);
  return async (request, context) => {
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
