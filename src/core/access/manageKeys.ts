import type { ApiKeyStore } from '../../ports.js';
import { MAX_BATCH_EVENTS } from '../eventLimits.js';
import { formatKey, hashKey, keyPrefix } from './apiKey.js';
import type { ApiKeyRecord } from './apiKeyRecord.js';
import type { Scope } from './scope.js';

/** What key management needs from outside: the store, a clock, and random bytes. */
export interface KeyAdminDeps {
  store: ApiKeyStore;
  now: () => number;
  randomBytes: (size: number) => Buffer;
}

export type KeyCommandOutcome<T> = { ok: true; value: T } | { ok: false; message: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function newSecret(deps: KeyAdminDeps, scope: Scope, keyId: string): string {
  return formatKey({ scope, keyId, secret: deps.randomBytes(32).toString('base64url') });
}

function checkLimits(
  scope: Scope,
  limits: { ratePerSecond?: number | undefined; burst?: number | undefined },
): string | undefined {
  const { ratePerSecond, burst } = limits;
  if (ratePerSecond !== undefined && !(Number.isFinite(ratePerSecond) && ratePerSecond > 0))
    return '--rate must be a number above 0 (tokens per second)';
  if (burst !== undefined && !(Number.isInteger(burst) && burst >= 1))
    return '--burst must be a whole number of at least 1';
  if (scope === 'write' && burst !== undefined && burst < MAX_BATCH_EVENTS)
    // The largest ingest batch: a smaller burst could never let one pass.
    return `--burst of a write key must be at least ${MAX_BATCH_EVENTS}, the largest batch`;
  return undefined;
}

/** A record found by name (the active one) or by keyId. */
async function find(store: ApiKeyStore, ref: string): Promise<ApiKeyRecord | undefined> {
  if (/^[0-9a-f]{16}$/.test(ref)) {
    const byId = await store.get(ref);
    if (byId) return byId;
  }
  return (await store.list()).find((r) => r.name === ref && r.revokedAt === undefined);
}

export async function createKey(
  deps: KeyAdminDeps,
  input: { scope: Scope; name: string; ratePerSecond?: number; burst?: number },
): Promise<KeyCommandOutcome<{ key: string; record: ApiKeyRecord }>> {
  if (!NAME.test(input.name))
    return { ok: false, message: '--name must be 1-64 letters, digits, . _ - (e.g. ios-app)' };
  const invalid = checkLimits(input.scope, input);
  if (invalid) return { ok: false, message: invalid };
  const taken = (await deps.store.list()).some(
    (r) => r.name === input.name && r.revokedAt === undefined,
  );
  if (taken) return { ok: false, message: `a key named ${input.name} exists; rotate or revoke it` };
  const keyId = deps.randomBytes(8).toString('hex');
  const key = newSecret(deps, input.scope, keyId);
  const record: ApiKeyRecord = {
    keyId,
    name: input.name,
    scope: input.scope,
    hash: hashKey(key),
    ...(input.ratePerSecond !== undefined ? { ratePerSecond: input.ratePerSecond } : {}),
    ...(input.burst !== undefined ? { burst: input.burst } : {}),
    createdAt: new Date(deps.now()).toISOString(),
  };
  await deps.store.put(record);
  return { ok: true, value: { key, record } };
}

/** A new secret for the same keyId and name; the old key keeps working for `overlapSeconds`. */
export async function rotateKey(
  deps: KeyAdminDeps,
  ref: string,
  overlapSeconds: number,
): Promise<KeyCommandOutcome<{ key: string; record: ApiKeyRecord }>> {
  const found = await find(deps.store, ref);
  if (!found || found.revokedAt !== undefined)
    return { ok: false, message: `no active key named or with id ${ref}` };
  const now = deps.now();
  const key = newSecret(deps, found.scope, found.keyId);
  const record: ApiKeyRecord = {
    ...found,
    hash: hashKey(key),
    previousHash: found.hash,
    previousValidUntil: new Date(now + overlapSeconds * 1000).toISOString(),
    rotatedAt: new Date(now).toISOString(),
  };
  await deps.store.put(record);
  return { ok: true, value: { key, record } };
}

export async function revokeKey(
  deps: KeyAdminDeps,
  ref: string,
): Promise<KeyCommandOutcome<ApiKeyRecord>> {
  const found = await find(deps.store, ref);
  if (!found || found.revokedAt !== undefined)
    return { ok: false, message: `no active key named or with id ${ref}` };
  const record: ApiKeyRecord = { ...found, revokedAt: new Date(deps.now()).toISOString() };
  delete record.previousHash;
  delete record.previousValidUntil;
  await deps.store.put(record);
  return { ok: true, value: record };
}

/** One line per key for `list`: never the secret or its hash. */
export function describeKey(
  record: ApiKeyRecord,
  defaults: Record<Scope, { ratePerSecond: number; burst: number }>,
  now: number,
) {
  const limits = defaults[record.scope];
  return {
    name: record.name,
    scope: record.scope,
    prefix: keyPrefix(record.scope, record.keyId),
    keyId: record.keyId,
    rate: record.ratePerSecond ?? limits.ratePerSecond,
    burst: record.burst ?? limits.burst,
    limits: record.ratePerSecond !== undefined || record.burst !== undefined ? 'key' : 'scope',
    created: record.createdAt,
    lastUsed: record.lastUsedAt ?? null,
    status: record.revokedAt
      ? `revoked ${record.revokedAt}`
      : record.previousValidUntil && record.previousValidUntil > new Date(now).toISOString()
        ? `rotated, old key valid until ${record.previousValidUntil}`
        : 'active',
  };
}
