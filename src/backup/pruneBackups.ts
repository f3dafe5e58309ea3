import { basename, dirname } from 'node:path';

import type { Config } from '../config.js';
import { expiredBackups } from '../core/backup/expiredBackups.js';
import type { BackupShelf } from '../ports/index.js';
import type { BackupLocation } from './backupLocation.js';
import { openBackupContainer } from './openBackupContainer.js';

export interface PrunedBackup {
  /** The removed backup's folder or Blob prefix. */
  location: string;
  pointInTime: string;
  /** Files in it that no manifest listed, left where they were (the folder then stays too). */
  leftBehind: string[];
}

export interface PruneReport {
  /** The parent searched, or undefined when the backup has none (a Blob container's root). */
  where: string | undefined;
  removed: PrunedBackup[];
  /** Backups of the parent kept (within the retention, or the one just written). */
  kept: number;
}

/**
 * After a backup to `location`: removes the backups beside it (same parent folder or prefix) whose
 * point in time is more than BACKUP_RETENTION_DAYS days before `now`. Only entries with a valid
 * manifest are backups; anything else is left alone, and so is the backup at `location`.
 */
export async function pruneBackups(
  config: Pick<Config, 'BACKUP_RETENTION_DAYS' | 'BACKUP_BLOB_CONNECTION' | 'AZURE_CLIENT_ID'>,
  location: BackupLocation,
  now: number,
): Promise<PruneReport> {
  const opened = await openShelf(config, location);
  if (opened === undefined) return { where: undefined, removed: [], kept: 0 };
  const { shelf, keep } = opened;
  const { backups } = await shelf.list();
  const expired = expiredBackups(backups, {
    now,
    retentionDays: config.BACKUP_RETENTION_DAYS,
    keep,
  });
  const removed: PrunedBackup[] = [];
  for (const backup of expired) {
    const leftBehind = await shelf.remove(backup);
    removed.push({
      location: `${shelf.where.replace(/\/$/, '')}/${backup.name}`,
      pointInTime: backup.manifest.pointInTime.at,
      leftBehind,
    });
  }
  return { where: shelf.where, removed, kept: backups.length - expired.length };
}

async function openShelf(
  config: Pick<Config, 'BACKUP_BLOB_CONNECTION' | 'AZURE_CLIENT_ID'>,
  location: BackupLocation,
): Promise<{ shelf: BackupShelf; keep: string } | undefined> {
  if (location.kind === 'folder') {
    const parent = dirname(location.path);
    if (parent === location.path) return undefined;
    const { folderBackupShelf } = await import('../adapters/backup/folderBackupShelf.js');
    return { shelf: folderBackupShelf(parent), keep: basename(location.path) };
  }
  const parts = location.prefix.split('/').filter((p) => p !== '');
  const keep = parts.pop();
  if (keep === undefined) return undefined;
  const { blobBackupShelf } = await import('../adapters/blob/blobBackupShelf.js');
  const container = await openBackupContainer(config, location);
  return { shelf: blobBackupShelf(container, parts.join('/')), keep };
}
