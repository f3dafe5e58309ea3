import { timingSafeEqual } from 'node:crypto';

import type { AccessOutcome, LimitOutcome } from '../../core/access/accessOutcome.js';
import { keyDigest, parseKey } from '../../core/access/apiKey.js';
import type { ApiKeyRecord } from '../../core/access/apiKeyRecord.js';
import { grants } from '../../core/access/grants.js';
import { rateLimitHeaders } from '../../core/access/rateLimitHeaders.js';
import { readKey } from '../../core/access/readKey.js';
import { type Caller, openCaller, type Scope } from '../../core/access/scope.js';
import type { RatePolicy } from '../../core/access/tokenBucket.js';
import type { Access, ApiKeyStore, Logger, RateLimiter, Telemetry } from '../../ports/index.js';

export interface KeyAccessOptions {
  store: ApiKeyStore;
  limiter: RateLimiter;
  /** `always` in Azure; `whenKeysExist` on the local host, which runs open until a key is created. */
  require: 'always' | 'whenKeysExist';
  /** How long a looked-up key (or its absence) is trusted: a revocation takes effect within it. */
  cacheSeconds: number;
  limits: Record<Scope, RatePolicy>;
  now: () => number;
  logger: Logger;
  telemetry: Telemetry;
}

interface Entry {
  /** Undefined: no such key (a cached negative answer). */
  record: ApiKeyRecord | undefined;
  caller: Caller | undefined;
  hash: Buffer | undefined;
  previousHash: Buffer | undefined;
  previousUntilMs: number;
  revoked: boolean;
  policy: RatePolicy | undefined;
  expiresMs: number;
}

const MAX_ENTRIES = 10_000;
const TOUCH_EVERY_MS = 60_000;
const WARN_EVERY_MS = 60_000;

const unauthorized = (scope: Scope, message: string): AccessOutcome => ({
  ok: false,
  status: 401,
  code: 'unauthorized',
  message: `${message}; this route needs a key of scope ${scope}`,
  scope,
});

/**
 * API keys and rate limits. Keys are looked up by the id inside them and cached for cacheSeconds
 * (negative answers too, bounded), so a request costs no store read; `last used` is written behind,
 * at most once a minute per key. The limiter failing (Redis unreachable) lets requests through.
 */
export async function createKeyAccess(options: KeyAccessOptions): Promise<Access> {
  const { store, limiter, now, logger, telemetry } = options;
  const ttlMs = options.cacheSeconds * 1000;
  const cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry>>();
  const touchedMs = new Map<string, number>();
  let open = options.require === 'whenKeysExist' && !(await store.hasAny());
  let openCheckedMs = now();
  let openCheck: Promise<void> | undefined;
  let warnedMs = -Infinity;

  async function stillOpen(): Promise<boolean> {
    if (!open) return false;
    if (now() - openCheckedMs >= ttlMs) {
      openCheck ??= store
        .hasAny()
        .then(
          (any) => void (open = !any),
          (err: unknown) => logger.warn(`access: key store check failed: ${String(err)}`),
        )
        .finally(() => {
          openCheckedMs = now();
          openCheck = undefined;
        });
      await openCheck;
    }
    return open;
  }

  function toEntry(record: ApiKeyRecord | undefined): Entry {
    return {
      record,
      caller: record && { keyId: record.keyId, name: record.name, scope: record.scope },
      hash: record && Buffer.from(record.hash, 'hex'),
      previousHash: record?.previousHash ? Buffer.from(record.previousHash, 'hex') : undefined,
      previousUntilMs: record?.previousValidUntil ? Date.parse(record.previousValidUntil) : 0,
      revoked: record?.revokedAt !== undefined,
      policy:
        record && (record.ratePerSecond !== undefined || record.burst !== undefined)
          ? {
              ratePerSecond: record.ratePerSecond ?? options.limits[record.scope].ratePerSecond,
              burst: record.burst ?? options.limits[record.scope].burst,
            }
          : undefined,
      expiresMs: now() + ttlMs,
    };
  }

  async function lookup(keyId: string): Promise<Entry | 'unavailable'> {
    const cached = cache.get(keyId);
    if (cached && cached.expiresMs > now()) return cached;
    let loading = pending.get(keyId);
    if (!loading) {
      loading = store.get(keyId).then(toEntry);
      pending.set(keyId, loading);
    }
    try {
      const entry = await loading;
      cache.delete(keyId);
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(keyId, entry);
      return entry;
    } catch (err) {
      logger.warn(`access: key store read failed: ${(err as Error).message}`);
      // A known key keeps working through a store outage; an unknown one cannot be checked.
      return cached ?? 'unavailable';
    } finally {
      pending.delete(keyId);
    }
  }

  function touch(keyId: string): void {
    const at = now();
    if (at - (touchedMs.get(keyId) ?? -Infinity) < TOUCH_EVERY_MS) return;
    touchedMs.set(keyId, at);
    store
      .touch(keyId, new Date(at).toISOString())
      .catch((err: unknown) => logger.warn(`access: last-used write failed: ${String(err)}`));
  }

  async function verify(key: string | undefined, scope: Scope): Promise<AccessOutcome> {
    if (await stillOpen()) return { ok: true, caller: openCaller };
    if (key === undefined)
      return unauthorized(scope, 'an API key is required (Authorization: Bearer <key>)');
    const parsed = parseKey(key);
    if (!parsed) return unauthorized(scope, 'the API key is not valid');
    const entry = await lookup(parsed.keyId);
    if (entry === 'unavailable') {
      return {
        ok: false,
        status: 503,
        code: 'key_store_unavailable',
        message: 'the API key could not be checked; retry later',
        scope,
      };
    }
    if (!entry.hash || entry.revoked) return unauthorized(scope, 'the API key is not valid');
    const presented = keyDigest(key);
    const matches =
      timingSafeEqual(presented, entry.hash) ||
      (entry.previousHash !== undefined &&
        now() < entry.previousUntilMs &&
        timingSafeEqual(presented, entry.previousHash));
    if (!matches) return unauthorized(scope, 'the API key is not valid');
    const caller = entry.caller!;
    if (!grants(entry.record!.scope, scope)) {
      return {
        ok: false,
        status: 403,
        code: 'forbidden',
        message: `this key has scope ${entry.record!.scope}; this route needs scope ${scope}`,
        scope,
      };
    }
    touch(caller.keyId);
    return { ok: true, caller };
  }

  async function take(caller: Caller, cost: number): Promise<LimitOutcome> {
    if (caller.scope === 'open') return { ok: true, headers: {} };
    const scope = caller.scope;
    const policy = cache.get(caller.keyId)?.policy ?? options.limits[scope];
    let result;
    try {
      result = await limiter.take(caller.keyId, cost, policy);
    } catch (err) {
      telemetry.trackMetric('RateLimiterFailOpen', 1);
      if (now() - warnedMs >= WARN_EVERY_MS) {
        warnedMs = now();
        logger.warn(`access: rate limiter unavailable, not limiting: ${(err as Error).message}`);
      }
      return { ok: true, headers: {} };
    }
    const headers = rateLimitHeaders(scope, policy, result);
    if (result.ok) return { ok: true, headers };
    telemetry.trackMetric('RateLimited', 1, { scope });
    return { ok: false, retryAfterSeconds: result.retryAfterSeconds, headers };
  }

  return {
    // A stale answer starts a check in the background, so health reports a new key soon too.
    isOpen: () => {
      if (open && now() - openCheckedMs >= ttlMs) stillOpen().catch(() => undefined);
      return open;
    },
    authenticate: (headers, scope) => verify(readKey(headers), scope),
    verify,
    take,
  };
}
