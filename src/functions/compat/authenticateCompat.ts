import type { HttpRequest } from '@azure/functions';

import type { AccessOutcome } from '../../core/access/accessOutcome.js';
import type { Deps } from '../../deps.js';

/** True when the request carries a key in a header (what @segment/analytics-node sends). */
export const hasHeaderKey = (request: HttpRequest): boolean =>
  request.headers.has('authorization') || request.headers.has('x-api-key');

/** The write key from a header when there is one, else the key the body names (`writeKey`, `api_key`). */
export function authenticateCompat(
  deps: Pick<Deps, 'access'>,
  request: HttpRequest,
  bodyKey: unknown,
): Promise<AccessOutcome> {
  if (hasHeaderKey(request)) return deps.access.authenticate(request.headers, 'write');
  return deps.access.verify(
    typeof bodyKey === 'string' && bodyKey !== '' ? bodyKey : undefined,
    'write',
  );
}

/** Where the key checked came from, for the refusal's message. */
export const keySource = (request: HttpRequest, bodyField: string): string =>
  hasHeaderKey(request) ? 'the Authorization header' : bodyField;
