import type { AvroRecordSchema } from '../core/backup/avroSchema.js';
import type { Manifest, TableDefinition } from '../core/backup/manifest.js';

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

/** A backup found beside a new one: its name under the shared parent, and its manifest. */
export interface ShelvedBackup {
  name: string;
  manifest: Manifest;
}

/**
 * The parent of a backup location (a folder, or a prefix of a Blob container), where earlier
 * backups sit side by side. Implementations: a folder, a Blob container.
 */
export interface BackupShelf {
  /** The parent, for messages. */
  readonly where: string;
  /** The entries under the parent: those holding a manifest that parses are backups, the rest others. */
  list(): Promise<{ backups: ShelvedBackup[]; others: string[] }>;
  /**
   * Removes the files the manifest lists, then the manifest (so an interrupted removal is found and
   * finished next time), then the entry if nothing else is in it. Returns the names left behind.
   */
  remove(backup: ShelvedBackup): Promise<string[]>;
}
