import { parseArgs } from 'node:util';

import { restoreStore } from '../../backup/restoreStore.js';
import { loadConfig } from '../../config.js';
import { type CommandIo, runCommand, UsageError } from '../commandIo.js';

export const RESTORE_USAGE = `usage: event-scoring restore --from <backup folder | blob URL>   (npm run restore -- --from …)
  Restores into the configured store (DATA_DIR, STORE_BACKEND), which must be empty.`;

/** restore: loads a backup into an empty store and verifies counts and checksums. */
export async function restoreCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(io, RESTORE_USAGE, async () => {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: { from: { type: 'string' }, help: { type: 'boolean', default: false } },
      }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (values.help) {
      io.out(RESTORE_USAGE);
      return 0;
    }
    if (values.from === undefined) throw new UsageError('--from is required');
    const loaded = loadConfig(io.env, 'local');
    if (!loaded.ok) throw new Error(`Cannot restore: ${loaded.message}`);
    const report = await restoreStore(loaded.config, { from: values.from, baseDir: io.baseDir });
    for (const t of report.tables) {
      io.out(`${t.table}: manifest ${t.expected}, loaded ${t.loaded}, store holds ${t.counted}`);
    }
    if (!report.ok)
      throw new Error(`Restore failed (${report.stage}): ${report.problems.join('; ')}`);
    io.out(
      `Restored ${report.tables.length} tables, counts and checksums verified; the store is as of ${report.manifest.pointInTime.at}`,
    );
    return 0;
  });
}
