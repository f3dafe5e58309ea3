import { parseArgs } from 'node:util';

import { parseBackupLocation } from '../../backup/backupLocation.js';
import { backupStore } from '../../backup/backupStore.js';
import { pruneBackups, type PruneReport } from '../../backup/pruneBackups.js';
import { loadConfig } from '../../config.js';
import { type CommandIo, runCommand, UsageError } from '../commandIo.js';

export const BACKUP_USAGE = `usage: event-scoring backup --out <folder | https://<account>.blob.core.windows.net/<container>/<prefix>> [--online-copy] [--keep-all]
  (npm run backup -- --out …)
  After the backup, removes the earlier backups beside it (same parent folder or prefix) whose point
  in time is more than BACKUP_RETENTION_DAYS days old; --keep-all removes none.`;

/** backup: an Avro copy of the configured store with a manifest, to a folder or Blob; then prunes. */
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
    const { config } = loaded;
    const outcome = await backupStore(config, {
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
    if (values['keep-all']) {
      io.out('--keep-all: no earlier backup removed');
      return 0;
    }
    const parsed = parseBackupLocation(values.out, io.baseDir);
    if (!parsed.ok) throw new Error(`--out: ${parsed.reason}`);
    let report: PruneReport;
    try {
      report = await pruneBackups(config, parsed.location, Date.now());
    } catch (error) {
      throw new Error(
        `The backup is complete, but removing expired backups failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    printPrune(io, report, config.BACKUP_RETENTION_DAYS);
    return 0;
  });
}

function printPrune(io: CommandIo, report: PruneReport, days: number): void {
  if (report.where === undefined) {
    io.out('No earlier backups to look at: the backup is at the root of its container');
    return;
  }
  for (const removed of report.removed) {
    io.out(`Removed expired backup ${removed.location} (as of ${removed.pointInTime})`);
    if (removed.leftBehind.length > 0) {
      io.out(`  left in place, not listed by its manifest: ${removed.leftBehind.join(', ')}`);
    }
  }
  io.out(
    `Retention ${days} days (BACKUP_RETENTION_DAYS): removed ${report.removed.length} backup(s) from ${report.where}, kept ${report.kept}`,
  );
}

function parseOrUsage(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        out: { type: 'string' },
        'online-copy': { type: 'boolean', default: false },
        'keep-all': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
