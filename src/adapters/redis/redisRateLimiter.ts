import type { Redis } from 'ioredis';

import { describeTake } from '../../core/access/tokenBucket.js';
import type { RateLimiter } from '../../ports/index.js';

/*
 * The bucket math of src/core/access/tokenBucket.ts in one atomic script, on the server's clock
 * (TIME), so every instance shares one bucket per key. A bucket left alone expires once it would
 * be full again. Tokens travel as strings: Redis truncates Lua numbers to integers.
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(s[1])
local ts = tonumber(s[2])
if tokens == nil or ts == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
end
local ok = 0
if tokens >= cost then
  tokens = tokens - cost
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return { ok, tostring(tokens) }
`;

type WithTake = Redis & {
  takeTokens(key: string, rate: number, burst: number, cost: number): Promise<[number, string]>;
};

/** Buckets in Redis, shared by every instance. The client belongs to the caller, who quits it. */
export function createRedisRateLimiter(redis: Redis, prefix = 'ratelimit:'): RateLimiter {
  redis.defineCommand('takeTokens', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const client = redis as WithTake;
  return {
    async take(bucket, cost, policy) {
      const [ok, tokens] = await client.takeTokens(
        prefix + bucket,
        policy.ratePerSecond,
        policy.burst,
        cost,
      );
      return describeTake(ok === 1, Number(tokens), cost, policy);
    },
    close: async () => undefined,
  };
}
