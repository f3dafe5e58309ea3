import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { rateLimitHeaders } from '../../../src/core/access/rateLimitHeaders.js';
import { type BucketState, takeTokens } from '../../../src/core/access/tokenBucket.js';

const policy = { ratePerSecond: 10, burst: 100 };

describe('takeTokens', () => {
  it('starts full, takes all or none, and says when enough will be back', () => {
    const first = takeTokens(undefined, 95, policy, 0);
    expect(first.take).toMatchObject({ ok: true, remaining: 5, retryAfterSeconds: 0 });
    const refused = takeTokens(first.state, 20, policy, 0);
    expect(refused.take).toMatchObject({ ok: false, remaining: 5, retryAfterSeconds: 2 });
    expect(refused.state.tokens).toBe(5);
    const later = takeTokens(refused.state, 20, policy, 1500);
    expect(later.take).toMatchObject({ ok: true, remaining: 0 });
  });

  it('refills at the rate up to the burst, never beyond', () => {
    const empty: BucketState = { tokens: 0, updatedMs: 0 };
    expect(takeTokens(empty, 0, policy, 3000).take.remaining).toBe(30);
    expect(takeTokens(empty, 0, policy, 60_000).take.remaining).toBe(100);
    expect(takeTokens(empty, 0, policy, 0).take.resetSeconds).toBe(10);
  });

  it('never lets more through than burst + rate x time, and never goes negative', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapMs: fc.nat(2000), cost: fc.integer({ min: 1, max: 60 }) }), {
          maxLength: 200,
        }),
        (steps) => {
          let state: BucketState | undefined;
          let now = 0;
          let taken = 0;
          for (const { gapMs, cost } of steps) {
            now += gapMs;
            const result = takeTokens(state, cost, policy, now);
            state = result.state;
            expect(state.tokens).toBeGreaterThanOrEqual(0);
            expect(state.tokens).toBeLessThanOrEqual(policy.burst);
            if (result.take.ok) taken += cost;
            else expect(result.take.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          }
          expect(taken).toBeLessThanOrEqual(policy.burst + (now / 1000) * policy.ratePerSecond);
        },
      ),
    );
  });
});

describe('rateLimitHeaders', () => {
  it('writes the draft syntax: the policy as quota and window, the state as remaining and reset', () => {
    const { take } = takeTokens(undefined, 2, { ratePerSecond: 1000, burst: 5000 }, 0);
    expect(rateLimitHeaders('write', { ratePerSecond: 1000, burst: 5000 }, take)).toEqual({
      'ratelimit-policy': '"write";q=5000;w=5',
      ratelimit: '"write";r=4998;t=1',
    });
  });
});
