import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { type Manifest, MANIFEST_FILE, manifestSchema } from '../core/backup/manifest.js';

export type ManifestRead = { ok: true; manifest: Manifest } | { ok: false; problem: string };

/** Reads and checks manifest.json; a missing or malformed one is a value, not a throw. */
export async function readManifest(dir: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return { ok: false, problem: `no ${MANIFEST_FILE} in ${dir}: not a finished backup` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `${MANIFEST_FILE} is not JSON: ${(error as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      ok: false,
      problem: `${MANIFEST_FILE}: ${issue.path.map(String).join('.') || '(root)'} ${issue.message}`,
    };
  }
  return { ok: true, manifest: parsed.data };
}
