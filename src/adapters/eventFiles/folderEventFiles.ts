import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { dayFileName, dayOfFile, inRange, STATE_NAME } from '../../core/sql/dayFile.js';
import type { CompactionState, EventFiles } from '../../ports/sql.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The Parquet files in a local folder (`DATA_DIR/events/`). A day's file is replaced by a rename
 * within the folder: atomic, and a reader that has the old file open keeps reading it.
 */
export async function createFolderEventFiles(root: string): Promise<EventFiles> {
  const scratchDir = join(root, '_scratch');
  await mkdir(scratchDir, { recursive: true });
  const days = async () => {
    const entries = await readdir(root);
    const found: string[] = [];
    for (const entry of entries) {
      const day = dayOfFile(`${entry}/events.parquet`);
      if (day !== undefined && (await exists(join(root, dayFileName(day))))) found.push(day);
    }
    return found.sort();
  };
  return {
    location: root,
    scratchDir,
    days,
    async replaceDay(day, path) {
      const target = join(root, dayFileName(day));
      if (path === undefined) {
        await rm(target, { force: true });
        return;
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(path, target);
    },
    async open(range) {
      const chosen = (await days()).filter((day) => inRange(day, range));
      return {
        root,
        files: chosen.map((day) => ({ day, path: join(root, dayFileName(day)) })),
        release: () => undefined,
      };
    },
    async readState() {
      const text = await readFile(join(root, STATE_NAME), 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as CompactionState);
    },
    async writeState(state) {
      const path = join(root, STATE_NAME);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.tmp-${process.pid}`;
      await writeFile(temporary, JSON.stringify(state));
      await rename(temporary, path);
    },
    async close() {},
  };
}
