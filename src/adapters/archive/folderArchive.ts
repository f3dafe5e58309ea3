import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { groupByHour } from '../../core/archive/archiveHour.js';
import { hoursBefore } from '../../core/archive/hoursBefore.js';
import type { EventArchive } from '../../ports/index.js';
import { decodeArchiveObject, encodeArchiveObject, newObjectName } from './archiveObject.js';
import { dropArchiveLines } from './dropArchiveLines.js';

/** A temp file older than this is what a crash left mid-write, not a write in progress. */
const STALE_TEMP_MS = 10 * 60_000;

async function writeDurably(path: string, data: Buffer): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}

/** Makes the renames and removals in a folder durable. */
async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

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
        await writeDurably(path, await encodeArchiveObject(group));
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

    /**
     * Each object with a matching line is written again under a temp name, fsynced and renamed over
     * the old one, so a reader or a crash sees the old object or the new, never part of one. Temp
     * files a crash left in the hour (they may hold the lines) are removed too.
     */
    async rewriteHour(hour, drop) {
      const folder = join(root, hour);
      let objects = 0;
      let lines = 0;
      for (const name of await this.list(hour)) {
        const path = join(root, name);
        const dropped = await dropArchiveLines(await readFile(path), drop);
        if (dropped.lines === 0) continue;
        if (dropped.body) await writeDurably(path, dropped.body);
        else await rm(path, { force: true });
        objects++;
        lines += dropped.lines;
      }
      const entries = await readdir(folder).catch(() => []);
      let stale = 0;
      for (const entry of entries.filter((n) => n.endsWith('.tmp'))) {
        const info = await stat(join(folder, entry)).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) {
          await rm(join(folder, entry), { force: true });
          stale++;
        }
      }
      if (objects + stale > 0) await syncFolder(folder);
      return { objects, lines };
    },

    async close() {},
  };
}
