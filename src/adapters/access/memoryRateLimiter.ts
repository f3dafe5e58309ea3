import { type BucketState, takeTokens } from '../../core/access/tokenBucket.js';
import type { RateLimiter } from '../../ports/index.js';

/** Buckets in this process: exact for one process (npm start); per instance behind a scale-out. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, BucketState>();
  return {
    async take(bucket, cost, policy) {
      const { state, take } = takeTokens(buckets.get(bucket), cost, policy, now());
      buckets.set(bucket, state);
      return take;
    },
    close: async () => buckets.clear(),
  };
}
