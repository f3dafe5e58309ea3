import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { fileDigest, readAvroFile, readAvroSchema } from '../adapters/avro/avroFile.js';
import type { Manifest } from '../core/backup/manifest.js';
import type { BackupTable, RestoreTarget } from '../ports/index.js';
import { readManifest } from './readManifest.js';

export interface RestoredTable {
  table: string;
  /** Records the manifest says the file holds. */
  expected: number;
  /** Records read from the file and inserted. */
  loaded: number;
  /** Rows the target holds afterwards. */
  counted: number;
}

export type RestoreReport =
  | { ok: true; manifest: Manifest; tables: RestoredTable[] }
  | { ok: false; stage: 'check' | 'load' | 'verify'; problems: string[]; tables: RestoredTable[] };

/**
 * Loads a backup folder into `target`. Before anything is written it checks the manifest, every
 * file's SHA-256 and size, the backend, and that the target is empty; afterwards, that each table
 * holds exactly the manifest's count.
 */
export async function runRestore(dir: string, target: RestoreTarget): Promise<RestoreReport> {
  const read = await readManifest(dir);
  if (!read.ok) return { ok: false, stage: 'check', problems: [read.problem], tables: [] };
  const { manifest } = read;
  const problems: string[] = [];
  if (manifest.source.backend !== target.backend) {
    problems.push(
      `the backup is of a ${manifest.source.backend} store; the target is ${target.backend}`,
    );
  }
  for (const file of manifest.files) {
    const path = join(dir, file.file);
    if (!existsSync(path)) {
      problems.push(`${file.file} is missing`);
      continue;
    }
    const digest = await fileDigest(path);
    if (digest.sha256 !== file.sha256 || digest.bytes !== file.bytes) {
      problems.push(`${file.file} does not match its checksum in the manifest`);
    }
  }
  if (problems.length > 0) return { ok: false, stage: 'check', problems, tables: [] };

  const tables: BackupTable[] = manifest.files.map((file) => ({
    name: file.table,
    schema: { type: 'record', name: 'unused', namespace: 'unused', fields: [] },
    definition: file.definition,
  }));
  const full = await target.nonEmpty(tables);
  if (full.length > 0) {
    return {
      ok: false,
      stage: 'check',
      problems: [`the target store is not empty: ${full.join(', ')} hold rows`],
      tables: [],
    };
  }

  const restored: RestoredTable[] = [];
  for (const [i, file] of manifest.files.entries()) {
    const path = join(dir, file.file);
    const table = { ...tables[i]!, schema: await readAvroSchema(path) };
    let loaded: number;
    try {
      loaded = await target.load(table, readAvroFile(path));
    } catch (error) {
      return {
        ok: false,
        stage: 'load',
        problems: [`${file.table}: ${(error as Error).message}`],
        tables: restored,
      };
    }
    restored.push({
      table: file.table,
      expected: file.records,
      loaded,
      counted: await target.count(table),
    });
  }
  const wrong = restored.filter((t) => t.loaded !== t.expected || t.counted !== t.expected);
  if (wrong.length > 0) {
    return {
      ok: false,
      stage: 'verify',
      problems: wrong.map(
        (t) => `${t.table}: manifest ${t.expected}, loaded ${t.loaded}, store holds ${t.counted}`,
      ),
      tables: restored,
    };
  }
  return { ok: true, manifest, tables: restored };
}
