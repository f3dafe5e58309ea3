import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

import { backupFiles, MANIFEST_FILE } from '../../core/backup/manifest.js';
import { parseManifest } from '../../core/backup/parseManifest.js';
import type { BackupShelf, ShelvedBackup } from '../../ports/index.js';

/** The sub-folders of `parent`: those with a manifest.json that parses are backups. */
export function folderBackupShelf(parent: string): BackupShelf {
  return {
    where: parent,
    async list() {
      const backups: ShelvedBackup[] = [];
      const others: string[] = [];
      for (const entry of await readdir(parent, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const text = await readFile(join(parent, entry.name, MANIFEST_FILE), 'utf8').catch(
          () => undefined,
        );
        const read = text === undefined ? undefined : parseManifest(text);
        if (read?.ok) backups.push({ name: entry.name, manifest: read.manifest });
        else others.push(entry.name);
      }
      return { backups, others };
    },
    async remove(backup) {
      const dir = join(parent, backup.name);
      for (const file of [...backupFiles(backup.manifest), MANIFEST_FILE]) {
        await rm(join(dir, file), { force: true });
      }
      const left = await readdir(dir);
      if (left.length === 0) await rmdir(dir);
      return left;
    },
  };
}
