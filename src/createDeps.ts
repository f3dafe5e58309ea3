import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';

import type { SqliteQueue } from './adapters/sqlite/sqliteQueue.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { MetricsSource } from './metrics/metricsSource.js';
import type {
  ApiKeyStore,
  DeadLetterSink,
  EventArchive,
  EventQueue,
  Logger,
  ScoreStore,
  Telemetry,
} from './ports.js';

export interface Built extends Deps {
  /** The embedded queue when QUEUE_BACKEND=local, for the local host's consumer loop. */
  localQueue?: SqliteQueue;
}

/**
 * Wiring in one place: builds every client and adapter once from the config. Adapters are imported
 * on demand so a process loads only the SDKs its backends need (cold start on Flex Consumption).
 */
export async function createDeps(
  config: Config,
  base: {
    logger: Logger;
    telemetry: Telemetry;
    baseDir: string;
    /** 'external' when another thread checkpoints the local queue's WAL (the scorer worker). */
    localQueueCheckpoints?: 'auto' | 'external';
    /** The local host's Prometheus figures, served by GET /api/metrics. */
    metrics?: MetricsSource;
  },
): Promise<Built> {
  const closers: (() => Promise<void>)[] = [];
  const dataDir = resolve(base.baseDir, config.DATA_DIR);
  try {
    let queue: EventQueue;
    let localQueue: SqliteQueue | undefined;
    if (config.QUEUE_BACKEND === 'local') {
      const { createSqliteQueue } = await import('./adapters/sqlite/sqliteQueue.js');
      localQueue = createSqliteQueue(join(dataDir, 'queue.db'), {
        maxDeliveries: config.LOCAL_QUEUE_MAX_DELIVERIES,
        autoCheckpoint: base.localQueueCheckpoints !== 'external',
      });
      queue = localQueue;
    } else {
      const { createServiceBusClient } =
        await import('./adapters/servicebus/createServiceBusClient.js');
      const { createServiceBusQueue } = await import('./adapters/servicebus/serviceBusQueue.js');
      const client = createServiceBusClient(config);
      queue = createServiceBusQueue(client, config.SERVICEBUS_QUEUE_NAME);
      closers.push(() => client.close());
    }
    closers.push(() => queue.close());

    // Dead letters are set aside beside the scores: the same backend, so every pairing has a sink.
    let store: ScoreStore;
    let deadLetters: DeadLetterSink;
    let keyStore: ApiKeyStore;
    if (config.STORE_BACKEND === 'sqlite') {
      const { createSqliteStore } = await import('./adapters/sqlite/sqliteStore.js');
      const { createSqliteDeadLetterSink } =
        await import('./adapters/sqlite/sqliteDeadLetterSink.js');
      store = createSqliteStore(join(dataDir, 'store.db'));
      const sink = createSqliteDeadLetterSink(join(dataDir, 'store.db'));
      closers.push(() => sink.close());
      deadLetters = sink;
      const { createSqliteKeyStore } = await import('./adapters/sqlite/sqliteKeyStore.js');
      keyStore = createSqliteKeyStore(join(dataDir, 'store.db'));
    } else {
      const { createCosmosClient } = await import('./adapters/cosmos/createCosmosClient.js');
      const { createCosmosStore } = await import('./adapters/cosmos/cosmosStore.js');
      const { createCosmosDeadLetterSink } =
        await import('./adapters/cosmos/cosmosDeadLetterSink.js');
      const client = createCosmosClient(config);
      closers.push(async () => client.dispose());
      store = await createCosmosStore(client, {
        database: config.COSMOS_DATABASE,
        scoresContainer: config.COSMOS_SCORES_CONTAINER,
        activityContainer: config.COSMOS_ACTIVITY_CONTAINER,
        dailyEventsContainer: config.COSMOS_DAILY_EVENTS_CONTAINER,
        usersContainer: config.COSMOS_USERS_CONTAINER,
        deadLetterContainer: config.COSMOS_DEADLETTER_CONTAINER,
        createIfMissing: config.COSMOS_CREATE_IF_MISSING,
      });
      deadLetters = createCosmosDeadLetterSink(
        client.database(config.COSMOS_DATABASE).container(config.COSMOS_DEADLETTER_CONTAINER),
      );
      const { createCosmosKeyStore } = await import('./adapters/cosmos/cosmosKeyStore.js');
      keyStore = await createCosmosKeyStore(client, {
        database: config.COSMOS_DATABASE,
        container: config.COSMOS_API_KEYS_CONTAINER,
        createIfMissing: config.COSMOS_CREATE_IF_MISSING,
      });
    }
    closers.push(() => store.close());
    closers.push(() => keyStore.close());

    const { createModelSource } = await import('./adapters/model/createModelSource.js');
    const models = await createModelSource(config, {
      logger: base.logger,
      telemetry: base.telemetry,
      baseDir: base.baseDir,
    });
    closers.push(() => models.close());

    const archive = await createArchive(config, dataDir);
    closers.push(() => archive.close());

    const { createSqlParts } = await import('./sql/createSqlParts.js');
    const sql = createSqlParts(config, dataDir);
    closers.push(() => sql.close());

    const { createAccess } = await import('./adapters/access/createAccess.js');
    const access = await createAccess(config, {
      store: keyStore,
      logger: base.logger,
      telemetry: base.telemetry,
      closers,
    });

    const telemetry = base.telemetry;
    if (telemetry.flush) closers.unshift(() => telemetry.flush!());

    return {
      config,
      queue,
      localQueue,
      store,
      models,
      deadLetters,
      archive,
      sql,
      access,
      telemetry: base.telemetry,
      logger: base.logger,
      ...(base.metrics ? { metrics: base.metrics } : {}),
      now: Date.now,
      newId: () => randomUUID(),
      close: () => closeAll(closers),
    };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.reverse()) {
    await close().catch(() => undefined);
  }
}

/** The raw archive: `DATA_DIR/archive/` or a Blob container reached with the app's identity. */
export async function createArchive(config: Config, dataDir: string): Promise<EventArchive> {
  if (config.ARCHIVE_BACKEND === 'folder') {
    const { createFolderArchive } = await import('./adapters/archive/folderArchive.js');
    return createFolderArchive(join(dataDir, 'archive'));
  }
  const { createBlobServiceClient } = await import('./adapters/blob/createBlobServiceClient.js');
  const { createBlobArchive } = await import('./adapters/archive/blobArchive.js');
  const client = createBlobServiceClient({
    connection: config.ARCHIVE_BLOB_CONNECTION,
    accountUrl: config.ARCHIVE_BLOB_ACCOUNT_URL,
    clientId: config.AZURE_CLIENT_ID,
  });
  const container = client.getContainerClient(config.ARCHIVE_BLOB_CONTAINER);
  // With a connection string (Azurite) nothing else creates it; in Azure Bicep does, and the app's
  // role on the container could not create one anyway.
  if (config.ARCHIVE_BLOB_CONNECTION) await container.createIfNotExists();
  return createBlobArchive(container);
}
