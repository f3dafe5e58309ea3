import type { HttpResponseInit } from '@azure/functions';

import type { Caller } from '../../core/access/scope.js';
import type { Deps } from '../../wiring/deps.js';
import { rateLimited } from '../bindHttpFunction.js';
import { problem } from '../respond.js';

/**
 * The write key a configuration URL names (`/v1/projects/{writeKey}/settings`,
 * `/array/{token}/config`): the caller, after one request's token from its bucket; else the answer.
 * An unknown key is a 404 (the configuration of no project), a key without `write` a 403.
 */
export async function verifyPathKey(
  deps: Pick<Deps, 'access'>,
  key: string | undefined,
): Promise<{ ok: true; caller: Caller } | { ok: false; response: HttpResponseInit }> {
  const auth = await deps.access.verify(key === '' ? undefined : key, 'write');
  if (!auth.ok) {
    if (auth.status === 401) {
      return {
        ok: false,
        response: problem(404, 'unknown_write_key', 'no project has this write key', [
          { path: 'writeKey', code: 'unknown_write_key', message: 'not a key of this API' },
        ]),
      };
    }
    const retry = auth.status === 503 ? { 'retry-after': '5' } : undefined;
    return { ok: false, response: problem(auth.status, auth.code, auth.message, undefined, retry) };
  }
  const limit = await deps.access.take(auth.caller, 1);
  if (!limit.ok)
    return { ok: false, response: rateLimited(limit.retryAfterSeconds, limit.headers) };
  return { ok: true, caller: auth.caller };
}
