import { describe, expect, it } from 'vitest';

import { createMemoryRateLimiter } from '../../../src/adapters/access/memoryRateLimiter.js';
import { rateLimiterContract } from '../rateLimiterContract.js';

rateLimiterContract('in process', async () => {
  const limiter = createMemoryRateLimiter();
  return { limiter, cleanup: () => limiter.close() };
});

describe('createMemoryRateLimiter', () => {
  it('refills on the clock it is given', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter(() => now);
    const policy = { ratePerSecond: 2, burst: 4 };
    expect((await limiter.take('k', 4, policy)).ok).toBe(true);
    expect(await limiter.take('k', 1, policy)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    now = 1000;
    expect(await limiter.take('k', 2, policy)).toMatchObject({ ok: true, remaining: 0 });
  });
});
