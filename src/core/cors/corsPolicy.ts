/** Which browser origins may call the API, from CORS_ALLOWED_ORIGINS. */
export interface CorsPolicy {
  any: boolean;
  origins: ReadonlySet<string>;
}

/** Request headers a browser client may send (Authorization is never covered by a `*`). */
export const CORS_ALLOWED_HEADERS =
  'authorization, x-api-key, content-type, content-encoding, idempotency-key, traceparent';
/** Response headers a browser client may read. */
export const CORS_EXPOSED_HEADERS =
  'retry-after, ratelimit, ratelimit-policy, x-incident-id, x-request-id';
export const CORS_MAX_AGE_SECONDS = 600;

export function parseCorsPolicy(setting: string | undefined): CorsPolicy {
  const entries = (setting ?? '')
    .split(',')
    .map((o) => o.trim().toLowerCase())
    .filter((o) => o !== '');
  return { any: entries.includes('*'), origins: new Set(entries.filter((o) => o !== '*')) };
}

export function isAllowedOrigin(policy: CorsPolicy, origin: string | null): origin is string {
  if (origin === null || origin === '') return false;
  return policy.any || policy.origins.has(origin.toLowerCase());
}

/** Headers for an answer to an allowed origin; none for a request from elsewhere or no browser. */
export function corsResponseHeaders(
  policy: CorsPolicy,
  origin: string | null,
): Record<string, string> {
  if (!isAllowedOrigin(policy, origin)) return {};
  return {
    'access-control-allow-origin': policy.any ? '*' : origin,
    'access-control-expose-headers': CORS_EXPOSED_HEADERS,
    ...(policy.any ? {} : { vary: 'Origin' }),
  };
}

/** Headers of a preflight answer that allows `methods` from `origin`. */
export function preflightHeaders(
  policy: CorsPolicy,
  origin: string,
  methods: readonly string[],
): Record<string, string> {
  return {
    ...corsResponseHeaders(policy, origin),
    'access-control-allow-methods': methods.join(', '),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}
