import type { Manifest } from './manifest.js';

const DAY_MS = 86_400_000;

/**
 * The backups to remove: those whose point in time is more than `retentionDays` days before `now`,
 * never the one named `keep` (the backup just written), whatever its manifest says.
 */
export function expiredBackups<T extends { name: string; manifest: Manifest }>(
  backups: readonly T[],
  options: { now: number; retentionDays: number; keep: string },
): T[] {
  const cutOff = options.now - options.retentionDays * DAY_MS;
  return backups.filter(
    (b) => b.name !== options.keep && Date.parse(b.manifest.pointInTime.at) < cutOff,
  );
}
