import type { DatabaseSync } from 'node:sqlite';

import { StoreZoneError } from '../../core/time/storeZoneError.js';

export const META_SCHEMA = `
  CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/** A store written before TIMEZONE existed holds UTC days. */
const LEGACY_ZONE = 'UTC';

export function readMeta(db: DatabaseSync, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM store_meta WHERE key = ?').get(key) as
    { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: DatabaseSync, key: string, value: string | undefined): void {
  if (value === undefined) db.prepare('DELETE FROM store_meta WHERE key = ?').run(key);
  else
    db.prepare(
      'INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value',
    ).run(key, value);
}

/** The zone the store's days are in: recorded, or UTC for a store that has documents but no record. */
export function storeZone(db: DatabaseSync): string | undefined {
  const recorded = readMeta(db, 'timezone');
  if (recorded !== undefined) return recorded;
  return db.prepare('SELECT 1 FROM scores LIMIT 1').get() === undefined ? undefined : LEGACY_ZONE;
}

/** Records the zone of an empty store; throws StoreZoneError when the store's days are in another. */
export function claimStoreZone(db: DatabaseSync, zone: string): void {
  const rebuilding = readMeta(db, 'rebuild');
  if (rebuilding !== undefined)
    throw new StoreZoneError((JSON.parse(rebuilding) as { zone: string }).zone, zone, true);
  const recorded = storeZone(db);
  if (recorded !== undefined && recorded !== zone) throw new StoreZoneError(recorded, zone, false);
  if (readMeta(db, 'timezone') === undefined) writeMeta(db, 'timezone', zone);
}

/**
 * Throws StoreZoneError while a rebuild is recorded: a host left running must not add days of the
 * old zone to rollups being rebuilt (the batch is retried once the host restarts in the new zone).
 */
export function createRebuildGuard(db: DatabaseSync, zone: string | undefined) {
  const select = db.prepare("SELECT value FROM store_meta WHERE key = 'rebuild'");
  return () => {
    if (zone === undefined) return;
    const row = select.get() as { value: string } | undefined;
    if (row !== undefined)
      throw new StoreZoneError((JSON.parse(row.value) as { zone: string }).zone, zone, true);
  };
}
