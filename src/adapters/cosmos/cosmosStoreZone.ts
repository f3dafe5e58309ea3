import type { Container } from '@azure/cosmos';

import { StoreZoneError } from '../../core/time/storeZoneError.js';
import { MODELS_PARTITION } from './cosmosAnalytics.js';

/** The partition of daily-events holding the store's records: its zone and a rebuild under way. */
export const META_PARTITION = '~meta';
const LEGACY_ZONE = 'UTC';

export interface ZoneRecord {
  zone: string;
}
export interface RebuildRecord {
  zone: string;
  /** The read feed's continuation of the scores container: where a resumed rebuild goes on. */
  continuation?: string;
  done: number;
}

export async function readMeta<T>(dailyEvents: Container, id: string): Promise<T | undefined> {
  const { resource } = await dailyEvents.item(id, META_PARTITION).read<T & { id: string }>();
  return resource;
}

export async function writeMeta(dailyEvents: Container, id: string, body: object): Promise<void> {
  await dailyEvents.items.upsert({ id, day: META_PARTITION, k: 'meta', ...body });
}

export async function deleteMeta(dailyEvents: Container, id: string): Promise<void> {
  await dailyEvents
    .item(id, META_PARTITION)
    .delete()
    .catch((error: { code?: number }) => {
      if (error.code !== 404) throw error;
    });
}

/** The zone of the store's days: recorded, or UTC when any model scored here before the record. */
export async function cosmosStoreZone(dailyEvents: Container): Promise<string | undefined> {
  const recorded = await readMeta<ZoneRecord>(dailyEvents, 'timezone');
  if (recorded) return recorded.zone;
  const { resources } = await dailyEvents.items
    .query<string>(
      {
        query: 'SELECT TOP 1 VALUE c.id FROM c WHERE c.day = @p',
        parameters: [{ name: '@p', value: MODELS_PARTITION }],
      },
      { partitionKey: MODELS_PARTITION },
    )
    .fetchAll();
  return resources.length > 0 ? LEGACY_ZONE : undefined;
}

/** Records the zone of a new store; throws StoreZoneError when its days are in another zone. */
export async function claimCosmosZone(dailyEvents: Container, zone: string): Promise<void> {
  const rebuild = await readMeta<RebuildRecord>(dailyEvents, 'rebuild');
  if (rebuild) throw new StoreZoneError(rebuild.zone, zone, true);
  const recorded = await cosmosStoreZone(dailyEvents);
  if (recorded !== undefined && recorded !== zone) throw new StoreZoneError(recorded, zone, false);
  if ((await readMeta(dailyEvents, 'timezone')) === undefined)
    await writeMeta(dailyEvents, 'timezone', { zone });
}
