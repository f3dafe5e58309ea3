import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { restoreStore } from '../../backup/restoreStore.js';
import { type Config, loadConfig } from '../../config.js';
import { auditEntry, CLI_ACTOR } from '../../core/audit/auditEntry.js';
import { applyLedger } from '../../core/privacy/deletion/applyLedger.js';
import { Closers } from '../../wiring/closers.js';
import { openStoreBackend } from '../../wiring/storeBackend.js';
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
    if (report.ok) await recordRestore(loaded.config, values.from, io.baseDir);
    if (!report.ok)
      throw new Error(`Restore failed (${report.stage}): ${report.problems.join('; ')}`);
    const applied = await eraseDeletedAgain(loaded.config, io.baseDir);
    io.out(
      `Deletion ledger applied: ${applied.ids} deleted id(s) found in the backup, ${applied.documents} document(s) and ${applied.deadLetters} dead letter(s) erased again`,
    );
    io.out(
      `Restored ${report.tables.length} tables, counts and checksums verified; the store is as of ${report.manifest.pointInTime.at}`,
    );
    return 0;
  });
}

/** The audit record of a restore: actor `cli`, target the location without its query (a SAS token). */
async function recordRestore(config: Config, from: string, baseDir: string): Promise<void> {
  const closers = new Closers();
  try {
    const audit = await openStoreBackend(config, baseDir, closers).auditLog();
    await audit.append([
      auditEntry(CLI_ACTOR, 'restore', from.split('?')[0]!, Date.now(), randomUUID),
    ]);
  } finally {
    await closers.closeAll();
  }
}

/** A backup may predate deletions: every one the ledger holds is applied to the restored store. */
async function eraseDeletedAgain(config: Config, baseDir: string) {
  const closers = new Closers();
  try {
    const backend = openStoreBackend(config, baseDir, closers);
    return await applyLedger(
      await backend.scoreStore(),
      await backend.deletionLedger(),
      await backend.deadLetters(),
    );
  } finally {
    await closers.closeAll();
  }
}
