import { randomUUID } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RateLimiter } from '../../src/ports/index.js';

export interface LimiterUnderTest {
  limiter: RateLimiter;
  cleanup(): Promise<void>;
}

/** The behaviour every RateLimiter shares; each adapter's test file runs it against its own peer. */
export function rateLimiterContract(name: string, make: () => Promise<LimiterUnderTest>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let subject: LimiterUnderTest;
    let limiter: RateLimiter;
    const slow = { ratePerSecond: 1, burst: 10 };
    beforeEach(async () => {
      subject = await make();
      limiter = subject.limiter;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('starts a bucket full and takes all or none', async () => {
      const bucket = randomUUID();
      expect(await limiter.take(bucket, 7, slow)).toMatchObject({ ok: true, remaining: 3 });
      const refused = await limiter.take(bucket, 5, slow);
      expect(refused).toMatchObject({ ok: false, remaining: 3 });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(2);
      expect(await limiter.take(bucket, 3, slow)).toMatchObject({ ok: true, remaining: 0 });
      expect((await limiter.take(bucket, 1, slow)).ok).toBe(false);
    });

    it('keeps buckets apart', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      expect((await limiter.take(a, 10, slow)).ok).toBe(true);
      expect((await limiter.take(a, 1, slow)).ok).toBe(false);
      expect(await limiter.take(b, 10, slow)).toMatchObject({ ok: true, remaining: 0 });
    });

    it('refuses a cost above the burst without taking anything', async () => {
      const bucket = randomUUID();
      expect((await limiter.take(bucket, 11, slow)).ok).toBe(false);
      expect(await limiter.take(bucket, 10, slow)).toMatchObject({ ok: true, remaining: 0 });
    });

    it('refills over time, up to the burst', async () => {
      const fast = { ratePerSecond: 1000, burst: 20 };
      const bucket = randomUUID();
      expect((await limiter.take(bucket, 20, fast)).ok).toBe(true);
      expect((await limiter.take(bucket, 20, fast)).ok).toBe(false);
      await new Promise((r) => setTimeout(r, 60));
      const later = await limiter.take(bucket, 20, fast);
      expect(later).toMatchObject({ ok: true, remaining: 0 });
    });

    it('lets exactly the burst through when many takes race', async () => {
      const bucket = randomUUID();
      const policy = { ratePerSecond: 0.001, burst: 50 };
      const results = await Promise.all(
        Array.from({ length: 80 }, () => limiter.take(bucket, 1, policy)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(50);
    });
  });
}
