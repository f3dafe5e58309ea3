import type { CosmosClient } from '@azure/cosmos';

import type { Config } from '../config.js';
import { consoleLogger } from '../logging/consoleLogger.js';
import type {
  ApiKeyStore,
  AuditLog,
  BackupSource,
  DeadLetterSink,
  DeletionLedger,
  Logger,
  RestoreTarget,
  ScoreStore,
  SuppressionStore,
} from '../ports/index.js';
import type { Closers } from './closers.js';
import { cosmosStoreOptions } from './cosmosStoreOptions.js';
import { dataPaths } from './dataPaths.js';

/**
 * The one place STORE_BACKEND is decided: the host, the keys command, backup and restore all open
 * the parts of the store they need through this. Adapters are imported on demand so a process
 * loads only the SDKs its backend needs (cold start on Flex Consumption). Each part opened is
 * closed with `closers`; the Cosmos DB client is made once and shared.
 */
export interface StoreBackend {
  /** For messages: `the embedded store (<path>)` or `Cosmos DB (<database>)`. */
  readonly where: string;
  scoreStore(): Promise<ScoreStore>;
  /** Dead letters are set aside beside the scores: the same backend, so every pairing has a sink. */
  deadLetters(): Promise<DeadLetterSink>;
  keyStore(): Promise<ApiKeyStore>;
  /** The suppression list (README, "Privacy"). */
  suppressionStore(): Promise<SuppressionStore>;
  /** The append-only audit log of admin actions. */
  auditLog(): Promise<AuditLog>;
  /** Deletion requests and the ledger: apart from the data, never backed up, never restored over. */
  deletionLedger(): Promise<DeletionLedger>;
  /** A consistent copy to read from; the embedded store copies itself to `snapshotPath` first. */
  backupSource(snapshotPath: string): Promise<BackupSource>;
  restoreTarget(): Promise<RestoreTarget>;
}

export function openStoreBackend(
  config: Config,
  baseDir: string,
  closers: Closers,
  options: { cosmosClient?: CosmosClient; logger?: Logger } = {},
): StoreBackend {
  const logger = options.logger ?? consoleLogger;
  const close = <T extends { close(): Promise<void> }>(part: T): T => {
    closers.add(() => part.close());
    return part;
  };
  if (config.STORE_BACKEND === 'sqlite') {
    const paths = dataPaths(config, baseDir);
    return {
      where: `the embedded store (${paths.store})`,
      async scoreStore() {
        const { createSqliteStore } = await import('../adapters/sqlite/sqliteStore.js');
        return close(createSqliteStore(paths.store, { logger, timeZone: config.TIMEZONE }));
      },
      async deadLetters() {
        const { createSqliteDeadLetterSink } =
          await import('../adapters/sqlite/sqliteDeadLetterSink.js');
        return close(createSqliteDeadLetterSink(paths.store));
      },
      async keyStore() {
        const { createSqliteKeyStore } = await import('../adapters/sqlite/sqliteKeyStore.js');
        return close(createSqliteKeyStore(paths.store));
      },
      async suppressionStore() {
        const { createSqliteSuppressionStore } =
          await import('../adapters/sqlite/sqliteSuppressionStore.js');
        return close(createSqliteSuppressionStore(paths.store));
      },
      async auditLog() {
        const { createSqliteAuditLog } = await import('../adapters/sqlite/sqliteAuditLog.js');
        return close(createSqliteAuditLog(paths.audit));
      },
      async deletionLedger() {
        const { createSqliteDeletionLedger } =
          await import('../adapters/sqlite/sqliteDeletionLedger.js');
        return close(createSqliteDeletionLedger(paths.privacy));
      },
      async backupSource(snapshotPath) {
        const { openSqliteBackupSource } = await import('../adapters/sqlite/sqliteBackupSource.js');
        return close(await openSqliteBackupSource(paths.store, snapshotPath));
      },
      async restoreTarget() {
        const { openSqliteRestoreTarget } =
          await import('../adapters/sqlite/sqliteRestoreTarget.js');
        return close(openSqliteRestoreTarget(paths.store));
      },
    };
  }

  let client: CosmosClient | undefined = options.cosmosClient;
  const cosmos = async (): Promise<CosmosClient> => {
    if (client) return client;
    const { createCosmosClient } = await import('../adapters/cosmos/createCosmosClient.js');
    const made = createCosmosClient(config);
    closers.add(async () => made.dispose());
    client = made;
    return made;
  };
  const containers = async () =>
    (await import('../backup/cosmosBackupContainers.js')).cosmosBackupContainers(config);
  return {
    where: `Cosmos DB (${config.COSMOS_DATABASE})`,
    async scoreStore() {
      const { createCosmosStore } = await import('../adapters/cosmos/cosmosStore.js');
      return close(
        await createCosmosStore(await cosmos(), { ...cosmosStoreOptions(config), logger }),
      );
    },
    async deadLetters() {
      const { createCosmosDeadLetterSink } =
        await import('../adapters/cosmos/cosmosDeadLetterSink.js');
      return createCosmosDeadLetterSink(
        (await cosmos())
          .database(config.COSMOS_DATABASE)
          .container(config.COSMOS_DEADLETTER_CONTAINER),
      );
    },
    async keyStore() {
      const { createCosmosKeyStore } = await import('../adapters/cosmos/cosmosKeyStore.js');
      return close(
        await createCosmosKeyStore(await cosmos(), {
          database: config.COSMOS_DATABASE,
          container: config.COSMOS_API_KEYS_CONTAINER,
          createIfMissing: config.COSMOS_CREATE_IF_MISSING,
        }),
      );
    },
    async suppressionStore() {
      const { createCosmosSuppressionStore } =
        await import('../adapters/cosmos/cosmosSuppressionStore.js');
      return close(
        await createCosmosSuppressionStore(await cosmos(), {
          database: config.COSMOS_DATABASE,
          container: config.COSMOS_SUPPRESSIONS_CONTAINER,
          createIfMissing: config.COSMOS_CREATE_IF_MISSING,
        }),
      );
    },
    async auditLog() {
      const { createCosmosAuditLog } = await import('../adapters/cosmos/cosmosAuditLog.js');
      return close(
        await createCosmosAuditLog(await cosmos(), {
          database: config.COSMOS_DATABASE,
          container: config.COSMOS_AUDIT_CONTAINER,
          createIfMissing: config.COSMOS_CREATE_IF_MISSING,
        }),
      );
    },
    async deletionLedger() {
      const { createCosmosDeletionLedger } =
        await import('../adapters/cosmos/cosmosDeletionLedger.js');
      return close(
        await createCosmosDeletionLedger(await cosmos(), {
          database: config.COSMOS_DATABASE,
          container: config.COSMOS_DELETIONS_CONTAINER,
          createIfMissing: config.COSMOS_CREATE_IF_MISSING,
        }),
      );
    },
    async backupSource() {
      const { openCosmosBackupSource } = await import('../adapters/cosmos/cosmosBackupSource.js');
      return close(
        await openCosmosBackupSource(await cosmos(), {
          database: config.COSMOS_DATABASE,
          containers: [...(await containers()).keys()],
          endpoint: config.COSMOS_ENDPOINT ?? '',
        }),
      );
    },
    async restoreTarget() {
      const { openCosmosRestoreTarget } = await import('../adapters/cosmos/cosmosRestoreTarget.js');
      return close(
        openCosmosRestoreTarget(await cosmos(), {
          database: config.COSMOS_DATABASE,
          shapes: await containers(),
          createIfMissing: config.COSMOS_CREATE_IF_MISSING,
        }),
      );
    },
  };
}
