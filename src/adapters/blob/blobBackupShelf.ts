import type { ContainerClient } from '@azure/storage-blob';

import { backupFiles, MANIFEST_FILE } from '../../core/backup/manifest.js';
import { parseManifest } from '../../core/backup/parseManifest.js';
import type { BackupShelf, ShelvedBackup } from '../../ports/index.js';

/**
 * The prefixes one level under `parent` ('' for the container's top level), as uploadBackupFolder
 * names them (`<parent>/<name>/<file>`): those whose manifest.json parses are backups.
 * Costs one list call per 5,000 entries and one read of each manifest.
 */
export function blobBackupShelf(container: ContainerClient, parent: string): BackupShelf {
  const under = parent === '' ? '' : `${parent}/`;
  return {
    where: `${container.containerName}/${under}`,
    async list() {
      const backups: ShelvedBackup[] = [];
      const others: string[] = [];
      if (!(await container.exists())) return { backups, others };
      for await (const item of container.listBlobsByHierarchy('/', { prefix: under })) {
        if (item.kind !== 'prefix') continue;
        const name = item.name.slice(under.length, -1);
        const text = await readText(container, `${item.name}${MANIFEST_FILE}`);
        const read = text === undefined ? undefined : parseManifest(text);
        if (read?.ok) backups.push({ name, manifest: read.manifest });
        else others.push(name);
      }
      return { backups, others };
    },
    async remove(backup) {
      const prefix = `${under}${backup.name}/`;
      for (const file of [...backupFiles(backup.manifest), MANIFEST_FILE]) {
        await container
          .deleteBlob(`${prefix}${file}`, { deleteSnapshots: 'include' })
          .catch((error: unknown) => {
            if ((error as { statusCode?: number }).statusCode !== 404) throw error;
          });
      }
      const left: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix })) {
        left.push(blob.name.slice(prefix.length));
      }
      return left;
    },
  };
}

async function readText(container: ContainerClient, name: string): Promise<string | undefined> {
  try {
    return (await container.getBlobClient(name).downloadToBuffer()).toString('utf8');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
