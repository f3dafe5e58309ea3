import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { SqliteQueue } from './adapters/sqlite/sqliteQueue.js';
import type { DeadLetterSink, EventQueue, Logger, ScoreStore, Telemetry } from './ports.js';

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
    if (config.STORE_BACKEND === 'sqlite') {
      const { createSqliteStore } = await import('./adapters/sqlite/sqliteStore.js');
      const { createSqliteDeadLetterSink } =
        await import('./adapters/sqlite/sqliteDeadLetterSink.js');
      store = createSqliteStore(join(dataDir, 'store.db'));
      const sink = createSqliteDeadLetterSink(join(dataDir, 'store.db'));
      closers.push(() => sink.close());
      deadLetters = sink;
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
    }
    closers.push(() => store.close());

    const { createModelSource } = await import('./adapters/model/createModelSource.js');
    const models = await createModelSource(config, {
      logger: base.logger,
      telemetry: base.telemetry,
      baseDir: base.baseDir,
    });
    closers.push(() => models.close());

    const { createOpenAccess } = await import('./adapters/access/createOpenAccess.js');
    const access = createOpenAccess();

    const telemetry = base.telemetry;
    if (telemetry.flush) closers.unshift(() => telemetry.flush!());

    return {
      config,
      queue,
      localQueue,
      store,
      models,
      deadLetters,
      access,
      telemetry: base.telemetry,
      logger: base.logger,
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
