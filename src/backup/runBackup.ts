import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';

import { fileDigest, writeAvroFile } from '../adapters/avro/avroFile.js';
import {
  avroFileName,
  type Manifest,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  type ManifestFile,
} from '../core/backup/manifest.js';
import type { BackupSource } from '../ports.js';
import { writeFileAtomic } from './writeFileAtomic.js';

export const ONLINE_COPY_FILE = 'store.db';

/**
 * Writes every table of `source` into `dir` as `<table>.avro`, then manifest.json with the counts
 * and SHA-256 of each file. The manifest comes last, so a folder without one is an unfinished backup.
 */
export async function runBackup(
  source: BackupSource,
  dir: string,
  options: { onlineCopy?: string; now?: () => number; log?: (line: string) => void } = {},
): Promise<Manifest> {
  const now = options.now ?? Date.now;
  const taken = new Set<string>();
  const files: ManifestFile[] = [];
  for (const table of source.tables) {
    const file = avroFileName(table.name, taken);
    taken.add(file);
    const path = join(dir, file);
    const { records } = await writeAvroFile(path, table.schema, source.rows(table), {
      'eventscoring.table': table.name,
      'eventscoring.definition': JSON.stringify(table.definition),
      'eventscoring.pointInTime': source.pointInTime.at,
    });
    const digest = await fileDigest(path);
    files.push({ table: table.name, file, records, ...digest, definition: table.definition });
    options.log?.(`${table.name}: ${records} records -> ${file} (${digest.bytes} bytes)`);
  }
  let onlineCopy: Manifest['onlineCopy'];
  if (options.onlineCopy !== undefined) {
    const path = join(dir, ONLINE_COPY_FILE);
    await copyFile(options.onlineCopy, path);
    onlineCopy = { file: ONLINE_COPY_FILE, ...(await fileDigest(path)) };
    options.log?.(`online copy -> ${ONLINE_COPY_FILE} (${onlineCopy.bytes} bytes)`);
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    createdAt: new Date(now()).toISOString(),
    source: source.source,
    pointInTime: source.pointInTime,
    files,
    ...(onlineCopy ? { onlineCopy } : {}),
  };
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
