import { randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { createKeyAccess } from '../../../src/adapters/access/createKeyAccess.js';
import { createMemoryRateLimiter } from '../../../src/adapters/access/memoryRateLimiter.js';
import { createRedisClient } from '../../../src/adapters/redis/createRedisClient.js';
import { createRedisRateLimiter } from '../../../src/adapters/redis/redisRateLimiter.js';
import { createSqliteKeyStore } from '../../../src/adapters/sqlite/sqliteKeyStore.js';
import { createKey, revokeKey, rotateKey } from '../../../src/core/access/manageKeys.js';
import type { Access, ApiKeyStore, RateLimiter } from '../../../src/ports/index.js';
import { startRedisServer } from '../../support/redisServer.js';

const limits = {
  write: { ratePerSecond: 100, burst: 1000 },
  read: { ratePerSecond: 1, burst: 3 },
  admin: { ratePerSecond: 1, burst: 3 },
};

/** A real SQLite key store that counts its reads, to show the cache saves them. */
function countingStore() {
  const inner = createSqliteKeyStore(':memory:');
  const reads = { get: 0, hasAny: 0 };
  const store: ApiKeyStore = {
    ...inner,
    get: (id) => (reads.get++, inner.get(id)),
    hasAny: () => (reads.hasAny++, inner.hasAny()),
  };
  return { store, reads };
}

const stores: ApiKeyStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(
  options: { require?: 'always' | 'whenKeysExist'; limiter?: RateLimiter } = {},
) {
  const { store, reads } = countingStore();
  stores.push(store);
  const clock = { now: Date.parse('2026-12-01T10:00:00Z') };
  const metrics: { name: string; value: number }[] = [];
  const warnings: string[] = [];
  const admin = { store, now: () => clock.now, randomBytes };
  const make = () =>
    createKeyAccess({
      store,
      limiter: options.limiter ?? createMemoryRateLimiter(() => clock.now),
      require: options.require ?? 'always',
      cacheSeconds: 30,
      limits,
      now: () => clock.now,
      logger: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined },
      telemetry: {
        trackEvent: () => undefined,
        trackMetric: (name, value) => metrics.push({ name, value }),
      },
    });
  return { store, reads, clock, metrics, warnings, admin, make };
}

const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });
const created = async (
  admin: Parameters<typeof createKey>[0],
  scope: 'write' | 'read' | 'admin',
  name: string = scope,
) => {
  const outcome = await createKey(admin, { scope, name });
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.value;
};

describe('createKeyAccess', () => {
  it('accepts a key for its scope, admin for read, and answers 401/403 naming the scope', async () => {
    const t = await setup();
    const access = await t.make();
    const write = await created(t.admin, 'write');
    const admin = await created(t.admin, 'admin');
    const ok = await access.authenticate(bearer(write.key), 'write');
    expect(ok).toEqual({
      ok: true,
      caller: { keyId: write.record.keyId, name: 'write', scope: 'write' },
    });
    expect((await access.authenticate(bearer(admin.key), 'read')).ok).toBe(true);
    expect(await access.authenticate(bearer(write.key), 'read')).toMatchObject({
      ok: false,
      status: 403,
      message: 'this key has scope write; this route needs scope read',
    });
    expect(await access.authenticate(new Headers(), 'read')).toMatchObject({
      status: 401,
      message: expect.stringContaining('scope read') as string,
    });
    const forged = write.key.slice(0, -4) + 'AAAA';
    expect(await access.authenticate(bearer(forged), 'write')).toMatchObject({ status: 401 });
    expect(await access.verify('not a key', 'write')).toMatchObject({ status: 401 });
  });

  it('reads the store once per key per cache period, negative answers included', async () => {
    const t = await setup();
    const access = await t.make();
    const { key } = await created(t.admin, 'write');
    for (let i = 0; i < 50; i++) expect((await access.verify(key, 'write')).ok).toBe(true);
    const unknown = `esk_write_00000000000000aa_${randomBytes(32).toString('base64url')}`;
    for (let i = 0; i < 50; i++) expect((await access.verify(unknown, 'write')).ok).toBe(false);
    expect(t.reads.get).toBe(2);
    t.clock.now += 31_000;
    await access.verify(key, 'write');
    expect(t.reads.get).toBe(3);
  });

  it('stops a revoked key once the cache period is over', async () => {
    const t = await setup();
    const access = await t.make();
    const { key } = await created(t.admin, 'read');
    expect((await access.verify(key, 'read')).ok).toBe(true);
    await revokeKey(t.admin, 'read');
    t.clock.now += 29_000;
    expect((await access.verify(key, 'read')).ok).toBe(true);
    t.clock.now += 2_000;
    expect(await access.verify(key, 'read')).toMatchObject({ ok: false, status: 401 });
  });

  it('keeps the old key through the rotation overlap, the same keyId and name after it', async () => {
    const t = await setup();
    const access = await t.make();
    const old = await created(t.admin, 'write', 'ios-app');
    const rotated = await rotateKey(t.admin, 'ios-app', 3600);
    if (!rotated.ok) throw new Error(rotated.message);
    t.clock.now += 31_000;
    const viaNew = await access.verify(rotated.value.key, 'write');
    const viaOld = await access.verify(old.key, 'write');
    expect(viaNew).toEqual(viaOld);
    expect(viaNew).toMatchObject({
      ok: true,
      caller: { keyId: old.record.keyId, name: 'ios-app' },
    });
    t.clock.now += 3600_000;
    expect((await access.verify(old.key, 'write')).ok).toBe(false);
    expect((await access.verify(rotated.value.key, 'write')).ok).toBe(true);
  });

  it('writes last used behind, at most once a minute per key', async () => {
    const t = await setup();
    const access = await t.make();
    const { key, record } = await created(t.admin, 'write');
    for (let i = 0; i < 20; i++) await access.verify(key, 'write');
    await new Promise((r) => setTimeout(r, 10));
    expect((await t.store.get(record.keyId))?.lastUsedAt).toBe('2026-12-01T10:00:00.000Z');
    t.clock.now += 30_000;
    await access.verify(key, 'write');
    await new Promise((r) => setTimeout(r, 10));
    expect((await t.store.get(record.keyId))?.lastUsedAt).toBe('2026-12-01T10:00:00.000Z');
    t.clock.now += 31_000;
    await access.verify(key, 'write');
    await new Promise((r) => setTimeout(r, 10));
    expect((await t.store.get(record.keyId))?.lastUsedAt).toBe('2026-12-01T10:01:01.000Z');
  });

  it('runs open locally until a key exists, then requires keys (within the cache period)', async () => {
    const t = await setup({ require: 'whenKeysExist' });
    const access = await t.make();
    expect(access.isOpen()).toBe(true);
    expect(await access.authenticate(new Headers(), 'read')).toMatchObject({
      ok: true,
      caller: { scope: 'open' },
    });
    await created(t.admin, 'write');
    t.clock.now += 31_000;
    expect(await access.authenticate(new Headers(), 'read')).toMatchObject({ status: 401 });
    expect(access.isOpen()).toBe(false);
    expect(t.reads.hasAny).toBe(2);
  });

  it('never runs open in Azure, even with no key at all', async () => {
    const t = await setup({ require: 'always' });
    const access = await t.make();
    expect(access.isOpen()).toBe(false);
    expect(await access.authenticate(new Headers(), 'write')).toMatchObject({ status: 401 });
  });

  it('limits per key with the scope default or the key override, and says so in headers', async () => {
    const t = await setup();
    const access: Access = await t.make();
    const reader = await created(t.admin, 'read');
    const caller = { keyId: reader.record.keyId, name: 'read', scope: 'read' as const };
    await access.verify(reader.key, 'read');
    expect(await access.take(caller, 1)).toEqual({
      ok: true,
      headers: { 'ratelimit-policy': '"read";q=3;w=3', ratelimit: '"read";r=2;t=1' },
    });
    await access.take(caller, 2);
    const limited = await access.take(caller, 1);
    expect(limited).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(t.metrics).toContainEqual({ name: 'RateLimited', value: 1 });

    const big = await createKey(t.admin, {
      scope: 'write',
      name: 'big',
      ratePerSecond: 10,
      burst: 5000,
    });
    if (!big.ok) throw new Error(big.message);
    await access.verify(big.value.key, 'write');
    const taken = await access.take(
      { keyId: big.value.record.keyId, name: 'big', scope: 'write' },
      4000,
    );
    expect(taken).toMatchObject({ ok: true, headers: { ratelimit: '"write";r=1000;t=400' } });
  });

  it('fails open with a warning and a metric while Redis is unreachable, and limits again once it is back', async () => {
    const server = await startRedisServer();
    const client = await createRedisClient(
      {
        REDIS_URL: server.url,
        REDIS_HOST: undefined,
        REDIS_PRINCIPAL_ID: undefined,
        AZURE_CLIENT_ID: undefined,
      },
      { info: () => undefined, warn: () => undefined, error: () => undefined },
    );
    try {
      const t = await setup({ limiter: createRedisRateLimiter(client.redis) });
      const access = await t.make();
      const reader = await created(t.admin, 'read');
      await access.verify(reader.key, 'read');
      const caller = { keyId: reader.record.keyId, name: 'read', scope: 'read' as const };
      expect((await access.take(caller, 3)).ok).toBe(true);
      expect((await access.take(caller, 1)).ok).toBe(false);
      await server.close();
      for (let i = 0; i < 5; i++)
        expect(await access.take(caller, 1)).toEqual({ ok: true, headers: {} });
      expect(t.metrics.filter((m) => m.name === 'RateLimiterFailOpen')).toHaveLength(5);
      expect(t.warnings.filter((w) => w.includes('rate limiter unavailable'))).toHaveLength(1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
