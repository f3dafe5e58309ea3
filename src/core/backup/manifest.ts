import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'event-scoring-backup/1';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');
// Names inside the backup folder only: never `.` or `..`, which restore would read and pruning remove.
const fileName = z.string().regex(/^(?!\.{1,2}$)[A-Za-z0-9._-]+$/, 'must be a plain file name');

/** What a restore needs to recreate a table: its CREATE statements, or a container's key path. */
export const tableDefinitionSchema = z.union([
  z.object({ kind: z.literal('sqlite'), sql: z.string(), indexes: z.array(z.string()) }),
  z.object({ kind: z.literal('cosmos'), partitionKeyPath: z.string() }),
]);
export type TableDefinition = z.infer<typeof tableDefinitionSchema>;

export const manifestFileSchema = z.object({
  table: z.string().min(1),
  file: fileName,
  records: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256,
  definition: tableDefinitionSchema,
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

/** manifest.json, written last: a backup without one is incomplete. */
export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  createdAt: z.iso.datetime(),
  source: z.object({ backend: z.enum(['sqlite', 'cosmos']), location: z.string() }),
  pointInTime: z.object({
    at: z.iso.datetime(),
    /** The backup holds the store as of a moment inside this window (see `definition`). */
    window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
    definition: z.string(),
  }),
  files: z.array(manifestFileSchema),
  /** The embedded store's online copy (SQLite backup API), when --online-copy asked for it. */
  onlineCopy: z.object({ file: fileName, bytes: z.number().int().min(0), sha256 }).optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** A file name for a table's Avro file: unsafe characters become _, made unique by a suffix. */
export function avroFileName(table: string, taken: ReadonlySet<string>): string {
  const base = table.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'table';
  let name = `${base}.avro`;
  for (let i = 2; taken.has(name) || name === MANIFEST_FILE; i++) name = `${base}-${i}.avro`;
  return name;
}

/** The files of a backup besides its manifest: the Avro files and the online copy. */
export const backupFiles = (manifest: Manifest): string[] => [
  ...manifest.files.map((f) => f.file),
  ...(manifest.onlineCopy ? [manifest.onlineCopy.file] : []),
];
