import type { Config } from '../../config.js';
import type { Access, ApiKeyStore, Logger, RateLimiter, Telemetry } from '../../ports/index.js';
import { createKeyAccess } from './createKeyAccess.js';
import { createMemoryRateLimiter } from './memoryRateLimiter.js';

/** The scope defaults of the rate limits, from the settings. */
export function scopeLimits(config: Config) {
  return {
    write: {
      ratePerSecond: config.RATE_LIMIT_WRITE_PER_SECOND,
      burst: config.RATE_LIMIT_WRITE_BURST,
    },
    read: { ratePerSecond: config.RATE_LIMIT_READ_PER_SECOND, burst: config.RATE_LIMIT_READ_BURST },
    admin: {
      ratePerSecond: config.RATE_LIMIT_ADMIN_PER_SECOND,
      burst: config.RATE_LIMIT_ADMIN_BURST,
    },
  };
}

/**
 * Keys and limits from the settings: keys always required in Azure, locally once one exists; the
 * buckets in Redis when REDIS_URL or REDIS_HOST is set (ioredis loaded only then), else in process.
 */
export async function createAccess(
  config: Config,
  base: {
    store: ApiKeyStore;
    logger: Logger;
    telemetry: Telemetry;
    /** Where the limiter's connections register their close (the composition's Closers). */
    closers: { add(close: () => Promise<void>): void };
  },
): Promise<Access> {
  let limiter: RateLimiter;
  if (config.REDIS_URL || config.REDIS_HOST) {
    const { createRedisClient } = await import('../redis/createRedisClient.js');
    const { createRedisRateLimiter } = await import('../redis/redisRateLimiter.js');
    const client = await createRedisClient(config, base.logger);
    base.closers.add(() => client.close());
    limiter = createRedisRateLimiter(client.redis);
  } else {
    limiter = createMemoryRateLimiter();
  }
  base.closers.add(() => limiter.close());
  return createKeyAccess({
    store: base.store,
    limiter,
    require: config.profile === 'azure' ? 'always' : 'whenKeysExist',
    cacheSeconds: config.API_KEY_CACHE_SECONDS,
    limits: scopeLimits(config),
    now: Date.now,
    logger: base.logger,
    telemetry: base.telemetry,
  });
}
