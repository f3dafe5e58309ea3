import { type Manifest, MANIFEST_FILE, manifestSchema } from './manifest.js';

export type ManifestRead = { ok: true; manifest: Manifest } | { ok: false; problem: string };

/** Checks the text of a manifest.json; a malformed one is a value, not a throw. */
export function parseManifest(text: string): ManifestRead {
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
