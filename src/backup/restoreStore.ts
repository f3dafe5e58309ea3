import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { CosmosClient } from '@azure/cosmos';

import type { Config } from '../config.js';
import type { RestoreTarget } from '../ports.js';
import { parseBackupLocation } from './backupLocation.js';
import { cosmosClientFor } from './backupStore.js';
import { cosmosBackupContainers } from './cosmosBackupContainers.js';
import { openBackupContainer } from './openBackupContainer.js';
import { readManifest } from './readManifest.js';
import { type RestoreReport, runRestore } from './runRestore.js';

export interface RestoreCommand {
  /** A backup folder, or the Blob URL a backup was written to. */
  from: string;
  baseDir: string;
  cosmosClient?: CosmosClient;
}

/** npm run restore: a backup into the configured store, which must be empty. */
export async function restoreStore(
  config: Config,
  command: RestoreCommand,
): Promise<RestoreReport> {
  const failed = (problem: string): RestoreReport => ({
    ok: false,
    stage: 'check',
    problems: [problem],
    tables: [],
  });
  const parsed = parseBackupLocation(command.from, command.baseDir);
  if (!parsed.ok) return failed(`--from: ${parsed.reason}`);
  const { location } = parsed;
  const scratch = mkdtempSync(join(tmpdir(), 'scoring-restore-'));
  const closers: (() => Promise<void>)[] = [];
  try {
    let dir: string;
    if (location.kind === 'folder') {
      dir = location.path;
    } else {
      dir = scratch;
      const { downloadBackupFolder } = await import('../adapters/blob/blobBackupFolder.js');
      const container = await openBackupContainer(config, location);
      await downloadBackupFolder(container, location.prefix, dir, async () => {
        const read = await readManifest(dir);
        return read.ok ? read.manifest.files.map((f) => f.file) : [];
      });
    }
    let target: RestoreTarget;
    if (config.STORE_BACKEND === 'sqlite') {
      const { openSqliteRestoreTarget } = await import('../adapters/sqlite/sqliteRestoreTarget.js');
      target = openSqliteRestoreTarget(join(resolve(command.baseDir, config.DATA_DIR), 'store.db'));
    } else {
      const { openCosmosRestoreTarget } = await import('../adapters/cosmos/cosmosRestoreTarget.js');
      const client = command.cosmosClient ?? (await cosmosClientFor(config, closers));
      target = openCosmosRestoreTarget(client, {
        database: config.COSMOS_DATABASE,
        shapes: cosmosBackupContainers(config),
        createIfMissing: config.COSMOS_CREATE_IF_MISSING,
      });
    }
    closers.push(() => target.close());
    return await runRestore(dir, target);
  } catch (error) {
    return failed((error as Error).message);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}
