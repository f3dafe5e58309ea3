import type { Config } from '../config.js';
import type { MetricsSource } from '../metrics/metricsSource.js';
import type {
  Access,
  AuditLog,
  DeadLetterSink,
  DeletionLedger,
  ErasedList,
  EventArchive,
  EventQueue,
  Logger,
  ModelSource,
  ScoreStore,
  SuppressionList,
  SuppressionStore,
  Telemetry,
} from '../ports/index.js';
import type { SqlParts } from './createSqlParts.js';

/** Everything the functions need, built once per process by createDeps. */
export interface Deps {
  config: Config;
  queue: EventQueue;
  store: ScoreStore;
  models: ModelSource;
  deadLetters: DeadLetterSink;
  /** The raw archive the scorer writes each batch to before storing it. */
  archive: EventArchive;
  access: Access;
  /** The suppression list: the store (admin routes) and its cached set (ingest). */
  privacy: { store: SuppressionStore; list: SuppressionList };
  /** Deletion requests and the ledger (apart from the data), and the ledger as the scorer applies it. */
  deletions: { ledger: DeletionLedger; erased: ErasedList };
  /** The append-only log of admin actions. */
  audit: AuditLog;
  telemetry: Telemetry;
  logger: Logger;
  /** Prometheus figures of this process; only the local host has them (see README, "Metrics"). */
  metrics?: MetricsSource;
  /** The Parquet files, their writer and the SQL engine, each built on first use (README, "SQL"). */
  sql?: SqlParts;
  now: () => number;
  newId: () => string;
  close(): Promise<void>;
}
