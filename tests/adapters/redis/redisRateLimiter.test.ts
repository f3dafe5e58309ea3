import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRedisClient } from '../../../src/adapters/redis/createRedisClient.js';
import { createRedisRateLimiter } from '../../../src/adapters/redis/redisRateLimiter.js';
import { type RedisTestServer, startRedisServer } from '../../support/redisServer.js';
import { rateLimiterContract } from '../rateLimiterContract.js';

let server: RedisTestServer;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.close();
});

rateLimiterContract('redis', async () => {
  const client = await createRedisClient(
    {
      REDIS_URL: server.url,
      REDIS_HOST: undefined,
      REDIS_PRINCIPAL_ID: undefined,
      AZURE_CLIENT_ID: undefined,
    },
    silent,
  );
  return { limiter: createRedisRateLimiter(client.redis), cleanup: () => client.close() };
});

describe('createRedisRateLimiter', () => {
  it('shares one bucket between clients (instances) and lets an idle bucket expire', async () => {
    const a = new Redis(server.url);
    const b = new Redis(server.url);
    const policy = { ratePerSecond: 1, burst: 5 };
    const onA = createRedisRateLimiter(a);
    const onB = createRedisRateLimiter(b);
    expect((await onA.take('shared', 3, policy)).ok).toBe(true);
    expect(await onB.take('shared', 3, policy)).toMatchObject({ ok: false, remaining: 2 });
    const ttl = await a.pttl('ratelimit:shared');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(4000);
    a.disconnect();
    b.disconnect();
  });

  it('fails at once, without queueing, while Redis is unreachable', async () => {
    const client = await createRedisClient(
      {
        REDIS_URL: 'redis://127.0.0.1:1',
        REDIS_HOST: undefined,
        REDIS_PRINCIPAL_ID: undefined,
        AZURE_CLIENT_ID: undefined,
      },
      silent,
    );
    const limiter = createRedisRateLimiter(client.redis);
    await expect(limiter.take('x', 1, { ratePerSecond: 1, burst: 1 })).rejects.toThrow();
    await client.close();
  });
});
