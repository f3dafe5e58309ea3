import { isIP } from 'node:net';
import { resolve } from 'node:path';

export type BackupLocation =
  | { kind: 'folder'; path: string }
  | { kind: 'blob'; serviceUrl: string; container: string; prefix: string };

export type LocationOutcome =
  { ok: true; location: BackupLocation } | { ok: false; reason: string };

/**
 * `--out` / `--from`: a folder, or a Blob URL https://<account>.blob.core.windows.net/<container>/<prefix>.
 * A host that is an IP address or localhost (Azurite) puts the account first in the path.
 */
export function parseBackupLocation(text: string, baseDir: string): LocationOutcome {
  if (!/^https?:\/\//i.test(text))
    return { ok: true, location: { kind: 'folder', path: resolve(baseDir, text) } };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `${text} is not a valid URL` };
  }
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const pathStyle = isIP(url.hostname) !== 0 || url.hostname === 'localhost';
  const account = pathStyle ? parts.shift() : undefined;
  const container = parts.shift();
  if ((pathStyle && account === undefined) || container === undefined) {
    return { ok: false, reason: `${text} names no blob container` };
  }
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container)) {
    return {
      ok: false,
      reason: `blob container "${container}" must be 3-63 lower-case letters, digits and single hyphens`,
    };
  }
  return {
    ok: true,
    location: {
      kind: 'blob',
      serviceUrl: `${url.origin}${account !== undefined ? `/${account}` : ''}`,
      container,
      prefix: parts.join('/'),
    },
  };
}
