import type { BucketTake, RatePolicy } from './tokenBucket.js';

/**
 * The IETF httpapi rate-limit headers (draft-ietf-httpapi-ratelimit-headers-10): the policy as
 * quota q per window w, where w is the seconds an empty bucket takes to fill (q = burst), and the
 * current state as r remaining units and t seconds until the bucket is full again.
 */
export function rateLimitHeaders(
  name: string,
  policy: RatePolicy,
  take: BucketTake,
): Record<string, string> {
  const window = Math.max(1, Math.ceil(policy.burst / policy.ratePerSecond));
  return {
    'ratelimit-policy': `"${name}";q=${policy.burst};w=${window}`,
    ratelimit: `"${name}";r=${take.remaining};t=${take.resetSeconds}`,
  };
}
