import { randomUUID } from 'node:crypto';

import type { SqliteQueue } from '../adapters/sqlite/sqliteQueue.js';
import type { Config } from '../config.js';
import type { MetricsSource } from '../metrics/metricsSource.js';
import type { EventArchive, EventQueue, Logger, Telemetry } from '../ports/index.js';
import { Closers } from './closers.js';
import { dataPaths } from './dataPaths.js';
import type { Deps } from './deps.js';
import { openStoreBackend } from './storeBackend.js';

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
  const closers = new Closers();
  const paths = dataPaths(config, base.baseDir);
  try {
    let queue: EventQueue;
    let localQueue: SqliteQueue | undefined;
    if (config.QUEUE_BACKEND === 'local') {
      const { createSqliteQueue } = await import('../adapters/sqlite/sqliteQueue.js');
      localQueue = createSqliteQueue(paths.queue, {
        maxDeliveries: config.LOCAL_QUEUE_MAX_DELIVERIES,
        autoCheckpoint: base.localQueueCheckpoints !== 'external',
      });
      queue = localQueue;
    } else {
      const { createServiceBusClient } =
        await import('../adapters/servicebus/createServiceBusClient.js');
      const { createServiceBusQueue } = await import('../adapters/servicebus/serviceBusQueue.js');
      const client = createServiceBusClient(config);
      queue = createServiceBusQueue(client, config.SERVICEBUS_QUEUE_NAME);
      closers.add(() => client.close());
    }
    closers.add(() => queue.close());

    const backend = openStoreBackend(config, base.baseDir, closers, { logger: base.logger });
    const store = await backend.scoreStore();
    const deadLetters = await backend.deadLetters();
    const keyStore = await backend.keyStore();
    const suppressionStore = await backend.suppressionStore();
    const audit = await backend.auditLog();
    const { createSuppressionList } = await import('../adapters/privacy/createSuppressionList.js');
    const privacy = {
      store: suppressionStore,
      list: createSuppressionList(suppressionStore, {
        cacheSeconds: config.SUPPRESSION_CACHE_SECONDS,
        now: Date.now,
        logger: base.logger,
      }),
    };
    // Loaded at startup, in the background: a store that is down must not stop the host (health says so).
    privacy.list
      .current()
      .catch((err: unknown) =>
        base.logger.warn(`privacy: suppression list not loaded: ${(err as Error).message}`),
      );

    const ledger = await backend.deletionLedger();
    const { createErasedList } = await import('../adapters/privacy/createErasedList.js');
    const deletions = {
      ledger,
      erased: createErasedList(ledger, {
        cacheSeconds: config.SUPPRESSION_CACHE_SECONDS,
        now: Date.now,
        logger: base.logger,
      }),
    };

    const { createModelSource } = await import('../adapters/model/createModelSource.js');
    const models = await createModelSource(config, {
      logger: base.logger,
      telemetry: base.telemetry,
      baseDir: base.baseDir,
    });
    closers.add(() => models.close());

    const archive = await createArchive(config, paths.archive);
    closers.add(() => archive.close());

    const { createSqlParts } = await import('./createSqlParts.js');
    const sql = createSqlParts(config, paths.events);
    closers.add(() => sql.close());

    const { createAccess } = await import('../adapters/access/createAccess.js');
    const access = await createAccess(config, {
      store: keyStore,
      logger: base.logger,
      telemetry: base.telemetry,
      closers,
    });

    const telemetry = base.telemetry;
    if (telemetry.flush) closers.addFirst(() => telemetry.flush!());

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
      privacy,
      deletions,
      audit,
      telemetry: base.telemetry,
      logger: base.logger,
      ...(base.metrics ? { metrics: base.metrics } : {}),
      now: Date.now,
      newId: () => randomUUID(),
      close: () => closers.closeAll(),
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

/** The raw archive: `DATA_DIR/archive/` or a Blob container reached with the app's identity. */
export async function createArchive(config: Config, folder: string): Promise<EventArchive> {
  if (config.ARCHIVE_BACKEND === 'folder') {
    const { createFolderArchive } = await import('../adapters/archive/folderArchive.js');
    return createFolderArchive(folder);
  }
  const { createBlobServiceClient } = await import('../adapters/blob/createBlobServiceClient.js');
  const { createBlobArchive } = await import('../adapters/archive/blobArchive.js');
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
