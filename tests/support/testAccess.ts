import type { Caller, Scope } from '../../src/core/access/scope.js';
import type { Access, HeaderReader } from '../../src/ports/index.js';

export interface TestAccess extends Access {
  /** Refuses every write key's take for `ms` from now, answering Retry-After `retryAfterSeconds`. */
  refuseFor(ms: number, retryAfterSeconds: number): void;
  /** Takes refused so far, and the tokens taken. */
  readonly refusals: number;
  readonly taken: number;
}

/** A fixed key table and a bucket the test can empty: a stand-in for the keys branch's Access. */
export function createTestAccess(
  keys: Record<string, { keyId: string; name: string; scope: Scope }>,
): TestAccess {
  let refuseUntil = 0;
  let retryAfter = 1;
  let refusals = 0;
  let taken = 0;
  const check = (secret: string | undefined, scope: Scope) => {
    if (secret === undefined) {
      return {
        ok: false as const,
        status: 401 as const,
        code: 'unauthorized' as const,
        message: 'no key',
        scope,
      };
    }
    const key = keys[secret];
    if (!key) {
      return {
        ok: false as const,
        status: 401 as const,
        code: 'unauthorized' as const,
        message: 'unknown key',
        scope,
      };
    }
    if (key.scope !== scope && key.scope !== 'admin') {
      return {
        ok: false as const,
        status: 403 as const,
        code: 'forbidden' as const,
        message: `the key lacks scope ${scope}`,
        scope,
      };
    }
    return { ok: true as const, caller: { ...key } satisfies Caller };
  };
  const fromHeaders = (headers: HeaderReader): string | undefined => {
    const auth = headers.get('authorization');
    if (auth?.startsWith('Bearer ')) return auth.slice(7);
    if (auth?.startsWith('Basic '))
      return Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0];
    return headers.get('x-api-key') ?? undefined;
  };
  return {
    isOpen: () => false,
    authenticate: async (headers, scope) => check(fromHeaders(headers), scope),
    verify: async (secret, scope) => check(secret, scope),
    async take(caller, cost) {
      if (caller.scope === 'write' && Date.now() < refuseUntil) {
        refusals++;
        return {
          ok: false,
          retryAfterSeconds: retryAfter,
          headers: { 'ratelimit-remaining': '0' },
        };
      }
      taken += cost;
      return { ok: true, headers: { 'ratelimit-remaining': '99' } };
    },
    refuseFor(ms, seconds) {
      refuseUntil = Date.now() + ms;
      retryAfter = seconds;
    },
    get refusals() {
      return refusals;
    },
    get taken() {
      return taken;
    },
  };
}
