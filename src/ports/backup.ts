import type { AvroRecordSchema } from '../core/backup/avroSchema.js';
import type { TableDefinition } from '../core/backup/manifest.js';

/** One table (SQLite) or container (Cosmos DB) as the portable backup writes it. */
export interface BackupTable {
  name: string;
  schema: AvroRecordSchema;
  definition: TableDefinition;
}

export type BackupRow = Record<string, unknown>;

/** A consistent view of a store to back up. Implementations: embedded SQLite, Cosmos DB. */
export interface BackupSource {
  readonly source: { backend: 'sqlite' | 'cosmos'; location: string };
  /** The moment the rows are as of, the window it lies in, and how it is defined. */
  readonly pointInTime: { at: string; window: { from: string; to: string }; definition: string };
  readonly tables: readonly BackupTable[];
  rows(table: BackupTable): AsyncIterable<BackupRow>;
  close(): Promise<void>;
}

/** A store a backup is loaded into. Implementations: embedded SQLite, Cosmos DB. */
export interface RestoreTarget {
  readonly backend: 'sqlite' | 'cosmos';
  /** Names of the tables that already hold rows, among `tables` and any other the store has. */
  nonEmpty(tables: readonly BackupTable[]): Promise<string[]>;
  /** Creates the table if it is missing and inserts the rows; returns how many it inserted. */
  load(table: BackupTable, rows: AsyncIterable<BackupRow>): Promise<number>;
  count(table: BackupTable): Promise<number>;
  close(): Promise<void>;
}
