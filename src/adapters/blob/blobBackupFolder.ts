import { join } from 'node:path';

import type { ContainerClient } from '@azure/storage-blob';

import { MANIFEST_FILE } from '../../core/backup/manifest.js';

const blobName = (prefix: string, file: string) => (prefix === '' ? file : `${prefix}/${file}`);

/**
 * Uploads a finished backup folder under `prefix`: the data files first, manifest.json last, so a
 * reader that finds the manifest finds every file it lists.
 */
export async function uploadBackupFolder(
  container: ContainerClient,
  prefix: string,
  dir: string,
  files: readonly string[],
): Promise<void> {
  await container.createIfNotExists();
  for (const file of [...files.filter((f) => f !== MANIFEST_FILE), MANIFEST_FILE]) {
    await container.getBlockBlobClient(blobName(prefix, file)).uploadFile(join(dir, file));
  }
}

/** Downloads manifest.json and then `files(manifest)` from under `prefix` into `dir`. */
export async function downloadBackupFolder(
  container: ContainerClient,
  prefix: string,
  dir: string,
  files: (manifestPath: string) => Promise<readonly string[]>,
): Promise<void> {
  const manifestPath = join(dir, MANIFEST_FILE);
  await container.getBlobClient(blobName(prefix, MANIFEST_FILE)).downloadToFile(manifestPath);
  for (const file of await files(manifestPath)) {
    await container.getBlobClient(blobName(prefix, file)).downloadToFile(join(dir, file));
  }
}
