import { Redis } from 'ioredis';

import type { Config } from '../../config.js';
import type { Logger } from '../../ports/index.js';

export type RedisSettings = Pick<
  Config,
  'REDIS_URL' | 'REDIS_HOST' | 'REDIS_PRINCIPAL_ID' | 'AZURE_CLIENT_ID'
>;

const ENTRA_SCOPE = 'https://redis.azure.com/.default';
const TOKEN_REFRESH_MS = 30 * 60_000;

/*
 * Fail fast rather than queue: a rate-limit check that waits for a reconnect would hold up ingest,
 * so commands fail at once while the connection is down and the limiter fails open.
 */
const failFast = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 250,
  connectTimeout: 2000,
  retryStrategy: (times: number) => Math.min(times * 200, 5000),
};

/**
 * The one Redis client of the process: REDIS_URL (redis:// or rediss://, e.g. a test server), or
 * Azure Managed Redis at REDIS_HOST with a Microsoft Entra token for the app's identity, whose
 * object id REDIS_PRINCIPAL_ID is the user name; the token is renewed before it expires.
 */
export async function createRedisClient(
  settings: RedisSettings,
  logger: Logger,
): Promise<{ redis: Redis; close(): Promise<void> }> {
  if (settings.REDIS_URL) {
    const redis = new Redis(settings.REDIS_URL, failFast);
    redis.on('error', (err: Error) => logger.warn(`redis: ${err.message}`));
    await firstConnection(redis);
    return { redis, close: async () => void redis.disconnect() };
  }
  if (!settings.REDIS_HOST || !settings.REDIS_PRINCIPAL_ID)
    throw new Error('REDIS_HOST needs REDIS_PRINCIPAL_ID (the identity the token is for)');
  const { DefaultAzureCredential } = await import('@azure/identity');
  const credential = new DefaultAzureCredential(
    settings.AZURE_CLIENT_ID ? { managedIdentityClientId: settings.AZURE_CLIENT_ID } : {},
  );
  const token = async () => (await credential.getToken(ENTRA_SCOPE)).token;
  const [host, port] = settings.REDIS_HOST.split(':');
  const redis = new Redis({
    ...failFast,
    host,
    port: Number(port ?? 10000),
    tls: { servername: host },
    username: settings.REDIS_PRINCIPAL_ID,
    password: await token(),
  });
  redis.on('error', (err: Error) => logger.warn(`redis: ${err.message}`));
  await firstConnection(redis);
  const timer = setInterval(() => {
    token()
      .then(async (password) => {
        redis.options.password = password;
        await redis.auth(settings.REDIS_PRINCIPAL_ID!, password);
      })
      .catch((err: unknown) => logger.warn(`redis: token refresh failed: ${String(err)}`));
  }, TOKEN_REFRESH_MS);
  timer.unref();
  return {
    redis,
    close: async () => {
      clearInterval(timer);
      redis.disconnect();
    },
  };
}

/** Waits for the first connection (without the offline queue a command sent before it fails), or its first failure: startup goes on either way, and the limiter fails open until Redis answers. */
async function firstConnection(redis: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    const done = () => {
      redis.off('ready', done);
      redis.off('error', done);
      resolve();
    };
    redis.once('ready', done);
    redis.once('error', done);
    timer = setTimeout(done, failFast.connectTimeout);
  });
  clearTimeout(timer);
}
