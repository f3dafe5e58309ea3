import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { groupByHour } from '../../core/archive/archiveHour.js';
import { hoursBefore } from '../../core/archive/hoursBefore.js';
import type { EventArchive } from '../../ports/index.js';
import { decodeArchiveObject, encodeArchiveObject, newObjectName } from './archiveObject.js';

/**
 * The archive as a folder (`DATA_DIR/archive/` locally). Each object is written to a temp name,
 * fsynced, then renamed: a crash leaves either the whole object or none of it.
 */
export function createFolderArchive(root: string): EventArchive {
  return {
    async append(events) {
      for (const [hour, group] of groupByHour(events)) {
        const name = newObjectName(hour);
        const path = join(root, name);
        await mkdir(dirname(path), { recursive: true });
        const temp = `${path}.tmp`;
        const file = await open(temp, 'w');
        try {
          await file.writeFile(await encodeArchiveObject(group));
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(temp, path);
      }
    },

    async list(hour) {
      const names = await readdir(join(root, hour)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      return names
        .filter((n) => n.endsWith('.ndjson.gz'))
        .sort()
        .map((n) => `${hour}${n}`);
    },

    async read(name) {
      return decodeArchiveObject(await readFile(join(root, name)));
    },

    async removeHoursBefore(cutoff) {
      const hours = await hoursBefore(cutoff, async (prefix) =>
        (await readdir(join(root, prefix), { withFileTypes: true }).catch(() => []))
          .filter((e) => e.isDirectory())
          .map((e) => e.name),
      );
      let removed = 0;
      for (const hour of hours) {
        removed += (await this.list(hour)).length;
        await rm(join(root, hour), { recursive: true, force: true });
      }
      return removed;
    },

    async close() {},
  };
}
