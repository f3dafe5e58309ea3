import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { isAllowedOrigin, parseCorsPolicy, preflightHeaders } from '../../core/cors/corsPolicy.js';
import type { Deps } from '../../deps.js';
import { problem } from '../respond.js';

/**
 * OPTIONS on a route: the CORS preflight a browser sends before a cross-origin POST with JSON or
 * an Authorization header. An allowed origin gets 204 and the CORS headers; another origin a 403
 * naming the setting; an OPTIONS that is no preflight (no Origin) a 204 listing the methods.
 */
export function createPreflightHandler(methods: readonly string[]) {
  return (deps: Deps) => {
    const policy = parseCorsPolicy(deps.config.CORS_ALLOWED_ORIGINS);
    return async function preflight(request: HttpRequest): Promise<HttpResponseInit> {
      const origin = request.headers.get('origin');
      const allow = { allow: [...methods, 'OPTIONS'].join(', ') };
      if (origin === null) return { status: 204, headers: allow };
      if (!isAllowedOrigin(policy, origin)) {
        return problem(
          403,
          'origin_not_allowed',
          'origin is not in CORS_ALLOWED_ORIGINS',
          [{ path: 'Origin', code: 'origin_not_allowed', message: 'not an allowed origin' }],
          allow,
        );
      }
      return { status: 204, headers: { ...allow, ...preflightHeaders(policy, origin, methods) } };
    };
  };
}
