import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CosmosClient } from '@azure/cosmos';

import type { Config } from '../config.js';
import { Closers } from '../wiring/closers.js';
import { openStoreBackend } from '../wiring/storeBackend.js';
import { parseBackupLocation } from './backupLocation.js';
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
  const closers = new Closers();
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
    const target = await openStoreBackend(
      config,
      command.baseDir,
      closers,
      command.cosmosClient ? { cosmosClient: command.cosmosClient } : {},
    ).restoreTarget();
    return await runRestore(dir, target);
  } catch (error) {
    return failed((error as Error).message);
  } finally {
    await closers.closeAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}
