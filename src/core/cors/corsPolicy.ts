/** Which browser origins may call the API, from CORS_ALLOWED_ORIGINS. */
export interface CorsPolicy {
  any: boolean;
  origins: ReadonlySet<string>;
}

/**
 * Request headers a browser client may send (Authorization is never covered by a `*`);
 * analytics.js adds X-Retry-Count on a retry.
 */
export const CORS_ALLOWED_HEADERS =
  'authorization, x-api-key, content-type, content-encoding, idempotency-key, traceparent, x-retry-count';
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

/**
 * The policy of a route: a browser route (ingest, the SDK routes, whose keys sit in web pages) is
 * open to every origin while CORS_ALLOWED_ORIGINS is unset, and narrowed to the list once it is set;
 * other routes (queries, admin) only ever allow the listed origins.
 */
export function corsPolicyFor(setting: string | undefined, browser: boolean): CorsPolicy {
  const policy = parseCorsPolicy(setting);
  if (browser && !policy.any && policy.origins.size === 0)
    return { any: true, origins: policy.origins };
  return policy;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The allowed request headers plus the ones the preflight asks for, when each is a valid name. */
function allowedHeaders(requested: string | null | undefined): string {
  const names = new Set(CORS_ALLOWED_HEADERS.split(', '));
  for (const name of (requested ?? '').split(',').slice(0, 32)) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed !== '' && trimmed.length <= 64 && HEADER_NAME.test(trimmed)) names.add(trimmed);
  }
  return [...names].join(', ');
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
  requestedHeaders?: string | null,
): Record<string, string> {
  return {
    ...corsResponseHeaders(policy, origin),
    'access-control-allow-methods': methods.join(', '),
    'access-control-allow-headers': allowedHeaders(requestedHeaders),
    'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
  };
}
