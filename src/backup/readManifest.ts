import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { MANIFEST_FILE } from '../core/backup/manifest.js';
import { type ManifestRead, parseManifest } from '../core/backup/parseManifest.js';

export type { ManifestRead } from '../core/backup/parseManifest.js';

/** Reads and checks manifest.json; a missing or malformed one is a value, not a throw. */
export async function readManifest(dir: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return { ok: false, problem: `no ${MANIFEST_FILE} in ${dir}: not a finished backup` };
  }
  return parseManifest(text);
}
