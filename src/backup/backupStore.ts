import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CosmosClient } from '@azure/cosmos';

import type { Config } from '../config.js';
import type { Manifest } from '../core/backup/manifest.js';
import { Closers } from '../wiring/closers.js';
import { openStoreBackend } from '../wiring/storeBackend.js';
import { parseBackupLocation } from './backupLocation.js';
import { openBackupContainer } from './openBackupContainer.js';
import { runBackup } from './runBackup.js';

export interface BackupCommand {
  /** A folder, or a Blob URL. */
  out: string;
  /** Also keep the embedded store's online copy (SQLite backup API) as store.db. */
  onlineCopy?: boolean;
  baseDir: string;
  log?: (line: string) => void;
  /** A client to use instead of one made from the config (tests trust a self-signed server). */
  cosmosClient?: CosmosClient;
}

export type BackupOutcome =
  { ok: true; manifest: Manifest; location: string } | { ok: false; reason: string };

/** npm run backup: the configured store into a folder or Blob container. */
export async function backupStore(config: Config, command: BackupCommand): Promise<BackupOutcome> {
  const parsed = parseBackupLocation(command.out, command.baseDir);
  if (!parsed.ok) return { ok: false, reason: `--out: ${parsed.reason}` };
  const { location } = parsed;
  if (command.onlineCopy && config.STORE_BACKEND !== 'sqlite') {
    return {
      ok: false,
      reason: '--online-copy: only the embedded store (STORE_BACKEND=sqlite) has one',
    };
  }
  if (
    location.kind === 'folder' &&
    existsSync(location.path) &&
    readdirSync(location.path).length > 0
  ) {
    return {
      ok: false,
      reason: `--out: ${location.path} is not empty; give a new folder per backup`,
    };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'scoring-backup-'));
  const closers = new Closers();
  try {
    const dir = location.kind === 'folder' ? location.path : join(scratch, 'out');
    mkdirSync(dir, { recursive: true });
    const snapshotPath = join(scratch, 'snapshot.db');
    const source = await openStoreBackend(
      config,
      command.baseDir,
      closers,
      command.cosmosClient ? { cosmosClient: command.cosmosClient } : {},
    ).backupSource(snapshotPath);
    const manifest = await runBackup(source, dir, {
      ...(command.onlineCopy ? { onlineCopy: snapshotPath } : {}),
      ...(command.log ? { log: command.log } : {}),
    });
    if (location.kind === 'blob') {
      const { uploadBackupFolder } = await import('../adapters/blob/blobBackupFolder.js');
      const container = await openBackupContainer(config, location);
      await uploadBackupFolder(container, location.prefix, dir, readdirSync(dir));
    }
    return {
      ok: true,
      manifest,
      location: location.kind === 'folder' ? location.path : command.out,
    };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    await closers.closeAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}
