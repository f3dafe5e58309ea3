/** A bucket's rate (tokens per second) and burst (capacity). */
export interface RatePolicy {
  ratePerSecond: number;
  burst: number;
}

export interface BucketState {
  tokens: number;
  updatedMs: number;
}

/** What one take did: `remaining` whole tokens left; both times are integer seconds. */
export interface BucketTake {
  ok: boolean;
  remaining: number;
  /** Seconds until `cost` tokens are there (0 when ok). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

/** Refills for the time passed, then takes `cost` tokens all or none. Pure: the adapters keep the state. */
export function takeTokens(
  state: BucketState | undefined,
  cost: number,
  policy: RatePolicy,
  nowMs: number,
): { state: BucketState; take: BucketTake } {
  const elapsed = state ? Math.max(0, nowMs - state.updatedMs) : 0;
  const available = state
    ? Math.min(policy.burst, state.tokens + (elapsed * policy.ratePerSecond) / 1000)
    : policy.burst;
  const ok = available >= cost;
  const tokens = ok ? available - cost : available;
  return { state: { tokens, updatedMs: nowMs }, take: describeTake(ok, tokens, cost, policy) };
}

/** The take's answer from the tokens left; shared with the Redis adapter, whose script keeps the state. */
export function describeTake(
  ok: boolean,
  tokens: number,
  cost: number,
  policy: RatePolicy,
): BucketTake {
  const rate = policy.ratePerSecond;
  return {
    ok,
    remaining: Math.floor(tokens),
    retryAfterSeconds: ok ? 0 : Math.max(1, Math.ceil((cost - tokens) / rate)),
    resetSeconds: Math.ceil((policy.burst - tokens) / rate),
  };
}
