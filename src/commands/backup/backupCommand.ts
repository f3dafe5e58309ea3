import { parseArgs } from 'node:util';

import { backupStore } from '../../backup/backupStore.js';
import { loadConfig } from '../../config.js';
import { type CommandIo, runCommand, UsageError } from '../commandIo.js';

export const BACKUP_USAGE = `usage: event-scoring backup --out <folder | https://<account>.blob.core.windows.net/<container>/<prefix>> [--online-copy]
  (npm run backup -- --out …)`;

/** backup: an Avro copy of the configured store with a manifest, to a folder or Blob. */
export async function backupCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(io, BACKUP_USAGE, async () => {
    const { values } = parseOrUsage(args);
    if (values.help) {
      io.out(BACKUP_USAGE);
      return 0;
    }
    if (values.out === undefined) throw new UsageError('--out is required');
    const loaded = loadConfig(io.env, 'local');
    if (!loaded.ok) throw new Error(`Cannot back up: ${loaded.message}`);
    const outcome = await backupStore(loaded.config, {
      out: values.out,
      onlineCopy: values['online-copy'],
      baseDir: io.baseDir,
      log: (line) => io.out(line),
    });
    if (!outcome.ok) throw new Error(`Backup failed: ${outcome.reason}`);
    const records = outcome.manifest.files.reduce((sum, f) => sum + f.records, 0);
    io.out(
      `Backed up ${records} records in ${outcome.manifest.files.length} tables to ${outcome.location}, as of ${outcome.manifest.pointInTime.at}`,
    );
    return 0;
  });
}

function parseOrUsage(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        out: { type: 'string' },
        'online-copy': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
