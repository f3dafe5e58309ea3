import { z } from 'zod';

import { canonicalTimeZone } from './core/time/zoneClock.js';
import { logLevels } from './logging/jsonLogger.js';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const name = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, . _ -')
    .default(fallback);
const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number()
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** Every setting the app reads. Names match the Function App's app settings in infra/. */
export const settingsSchema = z.object({
  PORT: int(7071, 0, 65535),
  DATA_DIR: z.string().min(1).default('.data'),
  QUEUE_BACKEND: z.enum(['local', 'servicebus']).optional(),
  STORE_BACKEND: z.enum(['sqlite', 'cosmos']).optional(),
  LOCAL_QUEUE_MAX_DELIVERIES: int(5, 1, 100),
  SCORER_BATCH_SIZE: int(1000, 1, 5000),

  SERVICEBUS_QUEUE_NAME: name('events'),
  ServiceBusConnection__fullyQualifiedNamespace: optionalText,
  ServiceBusConnection: optionalText,

  COSMOS_ENDPOINT: optionalText.pipe(z.url('must be a URL').optional()),
  COSMOS_KEY: optionalText,
  COSMOS_DATABASE: name('eventscoring'),
  COSMOS_SCORES_CONTAINER: name('scores'),
  COSMOS_ACTIVITY_CONTAINER: name('daily-activity'),
  COSMOS_DAILY_EVENTS_CONTAINER: name('daily-events'),
  COSMOS_USERS_CONTAINER: name('users'),
  COSMOS_IDENTITIES_CONTAINER: name('identities'),
  COSMOS_DEADLETTER_CONTAINER: name('deadletters'),
  COSMOS_CREATE_IF_MISSING: bool.optional(),

  AZURE_CLIENT_ID: optionalText,

  MODEL_PATH: z.string().min(1).default('models/default.json'),
  CHALLENGER_MODEL_PATH: optionalText,
  MODEL_BLOB_ACCOUNT_URL: optionalText.pipe(z.url('must be a URL').optional()),
  MODEL_BLOB_CONNECTION: optionalText,
  MODEL_BLOB_CONTAINER: name('models'),
  MODEL_BLOB_NAME: optionalText,
  CHALLENGER_MODEL_BLOB_NAME: optionalText,
  MODEL_REFRESH_SECONDS: int(60, 5, 86_400),

  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText,

  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Browser origins allowed to call the API: a comma list of https://host[:port], or `*`; empty = none. */
  CORS_ALLOWED_ORIGINS: optionalText.pipe(
    z
      .string()
      .regex(
        /^(\*|https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*)$/,
        'must be * or a comma list of origins such as https://app.example.com',
      )
      .optional(),
  ),
  API_KEY_CACHE_SECONDS: int(30, 0, 3600),
  COSMOS_API_KEYS_CONTAINER: name('keys'),
  COSMOS_SUPPRESSIONS_CONTAINER: name('suppressions'),
  SUPPRESSION_CACHE_SECONDS: int(30, 0, 3600),
  COSMOS_AUDIT_CONTAINER: name('audit'),
  COSMOS_DELETIONS_CONTAINER: name('deletions'),
  RATE_LIMIT_WRITE_PER_SECOND: int(1000, 1, 10_000_000),
  RATE_LIMIT_WRITE_BURST: int(10_000, 1000, 100_000_000),
  RATE_LIMIT_READ_PER_SECOND: int(20, 1, 1_000_000),
  RATE_LIMIT_READ_BURST: int(100, 1, 10_000_000),
  RATE_LIMIT_ADMIN_PER_SECOND: int(5, 1, 1_000_000),
  RATE_LIMIT_ADMIN_BURST: int(50, 1, 10_000_000),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REDIS_HOST: optionalText,
  REDIS_PRINCIPAL_ID: optionalText,
  /** npm run backup/restore with a Blob URL: a connection string (Azurite); unset, Entra ID. */
  BACKUP_BLOB_CONNECTION: optionalText,
  /** npm run backup removes its earlier sibling backups whose point in time is older than this. */
  BACKUP_RETENTION_DAYS: int(30, 1, 3650),
  ARCHIVE_BACKEND: z.enum(['folder', 'blob']).optional(),
  ARCHIVE_BLOB_ACCOUNT_URL: optionalText.pipe(z.url('must be a URL').optional()),
  ARCHIVE_BLOB_CONNECTION: optionalText,
  ARCHIVE_BLOB_CONTAINER: name('archive'),
  /** The project's zone: the calendar day of every stored document and every figure (IANA name). */
  TIMEZONE: z
    .string()
    .default('UTC')
    .transform((zone, ctx) => {
      const canonical = canonicalTimeZone(zone);
      if (canonical === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be an IANA time zone name such as UTC, Europe/Berlin or America/New_York',
        });
        return z.NEVER;
      }
      return canonical;
    }),
  // SQL over the scored events (README, "SQL"): the Parquet files and the query bounds.
  EVENT_FILES_BACKEND: z.enum(['folder', 'blob']).optional(),
  EVENT_FILES_BLOB_ACCOUNT_URL: optionalText.pipe(z.url('must be a URL').optional()),
  EVENT_FILES_BLOB_CONNECTION: optionalText,
  EVENT_FILES_BLOB_CONTAINER: name('events'),
  SQL_TIMEOUT_MS: int(10_000, 100, 300_000),
  SQL_MEMORY_MB: int(512, 64, 16_384),
  SQL_THREADS: int(1, 1, 16),
  SQL_MAX_ROWS: int(10_000, 1, 1_000_000),
  SQL_CACHE_MB: int(1024, 16, 1_000_000),
  SQL_COMPACTION_MAX_DAYS: int(400, 1, 10_000),
  /** Days events are kept in the store and the raw archive (README, "Retention"); unset: kept. */
  DATA_RETENTION_DAYS: optionalText.pipe(
    z.coerce
      .number<string | undefined>()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(36_500, 'must be at most 36500')
      .optional(),
  ),
});

export type Settings = z.infer<typeof settingsSchema>;

export type Profile = 'local' | 'azure';

export interface Config extends Omit<
  Settings,
  | 'QUEUE_BACKEND'
  | 'STORE_BACKEND'
  | 'COSMOS_CREATE_IF_MISSING'
  | 'ARCHIVE_BACKEND'
  | 'EVENT_FILES_BACKEND'
> {
  profile: Profile;
  QUEUE_BACKEND: 'local' | 'servicebus';
  STORE_BACKEND: 'sqlite' | 'cosmos';
  COSMOS_CREATE_IF_MISSING: boolean;
  /** Where the raw archive lives: a folder under DATA_DIR locally, a Blob container in Azure. */
  ARCHIVE_BACKEND: 'folder' | 'blob';
  /** Where the Parquet files live: `DATA_DIR/events/` locally, a Blob container in Azure. */
  EVENT_FILES_BACKEND: 'folder' | 'blob';
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/**
 * Reads settings once. Locally everything has a default; on Azure the queue is Service Bus and the
 * store is Cosmos DB, so their locations become required.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  profile: Profile,
): ConfigResult {
  // An empty value means unset, as in app settings and local.settings.json templates.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const setting = issue.path.map(String).join('.') || '(settings)';
    const value = env[setting];
    const shown = value === undefined ? 'is missing' : `is invalid (${JSON.stringify(value)})`;
    return { ok: false, message: `Setting ${setting} ${shown}: ${issue.message}` };
  }
  const s = parsed.data;
  const config: Config = {
    ...s,
    profile,
    QUEUE_BACKEND: s.QUEUE_BACKEND ?? (profile === 'azure' ? 'servicebus' : 'local'),
    STORE_BACKEND: s.STORE_BACKEND ?? (profile === 'azure' ? 'cosmos' : 'sqlite'),
    COSMOS_CREATE_IF_MISSING:
      s.COSMOS_CREATE_IF_MISSING ?? (profile === 'local' || s.COSMOS_KEY !== undefined),
    ARCHIVE_BACKEND: s.ARCHIVE_BACKEND ?? (profile === 'azure' ? 'blob' : 'folder'),
    EVENT_FILES_BACKEND: s.EVENT_FILES_BACKEND ?? (profile === 'azure' ? 'blob' : 'folder'),
  };
  if (
    config.QUEUE_BACKEND === 'servicebus' &&
    !config.ServiceBusConnection__fullyQualifiedNamespace &&
    !config.ServiceBusConnection
  ) {
    return {
      ok: false,
      message:
        'Setting ServiceBusConnection__fullyQualifiedNamespace is missing: the Service Bus queue needs a namespace (or ServiceBusConnection, a connection string, for an emulator)',
    };
  }
  if (config.STORE_BACKEND === 'cosmos' && !config.COSMOS_ENDPOINT) {
    return {
      ok: false,
      message: 'Setting COSMOS_ENDPOINT is missing: the Cosmos DB store needs an account endpoint',
    };
  }
  if (config.MODEL_BLOB_NAME && !config.MODEL_BLOB_ACCOUNT_URL && !config.MODEL_BLOB_CONNECTION) {
    return {
      ok: false,
      message:
        'Setting MODEL_BLOB_ACCOUNT_URL is missing: MODEL_BLOB_NAME needs a storage account (or MODEL_BLOB_CONNECTION)',
    };
  }
  if (config.REDIS_HOST && !config.REDIS_PRINCIPAL_ID) {
    return {
      ok: false,
      message:
        'Setting REDIS_PRINCIPAL_ID is missing: REDIS_HOST (Azure Managed Redis, Entra auth) needs the object id of the identity the token is for',
    };
  }
  if (
    config.ARCHIVE_BACKEND === 'blob' &&
    !config.ARCHIVE_BLOB_ACCOUNT_URL &&
    !config.ARCHIVE_BLOB_CONNECTION
  ) {
    return {
      ok: false,
      message:
        'Setting ARCHIVE_BLOB_ACCOUNT_URL is missing: the Blob archive needs a storage account (or ARCHIVE_BLOB_CONNECTION)',
    };
  }
  if (
    config.EVENT_FILES_BACKEND === 'blob' &&
    !config.EVENT_FILES_BLOB_ACCOUNT_URL &&
    !config.EVENT_FILES_BLOB_CONNECTION
  ) {
    return {
      ok: false,
      message:
        'Setting EVENT_FILES_BLOB_ACCOUNT_URL is missing: the Parquet files in Blob need a storage account (or EVENT_FILES_BLOB_CONNECTION)',
    };
  }
  return { ok: true, config };
}
