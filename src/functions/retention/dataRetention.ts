import { retentionCutoff } from '../../core/retention/retentionCutoff.js';
import { zoneClockFor } from '../../core/time/zoneClockFor.js';
import type { Deps } from '../../wiring/deps.js';

/** Every hour: the oldest day is at most an hour past its retention. */
export const dataRetentionSchedule = { schedule: '0 17 * * * *', everyMinutes: 60 };

/** Documents deleted per transaction: short enough that ingest's writes interleave. */
export const RETENTION_BATCH = 1000;
/** Batches per run: a backlog (a first run on an old store) is worked off over several runs. */
export const RETENTION_MAX_BATCHES = 200;

/**
 * The retention timer (DATA_RETENTION_DAYS): deletes the stored documents of days older than the
 * setting in bounded batches (the embedded store; Cosmos DB expires them by its TTL, set by Bicep)
 * and the archive's hour partitions older than it. Nothing when the setting is unset.
 */
export function createDataRetentionHandler(
  deps: Pick<Deps, 'config' | 'store' | 'archive' | 'logger' | 'now'>,
) {
  const clock = zoneClockFor(deps.config.TIMEZONE);
  return async function dataRetention(): Promise<void> {
    const days = deps.config.DATA_RETENTION_DAYS;
    if (days === undefined) return;
    const { beforeDay, beforeHour } = retentionCutoff(deps.now(), days, clock);
    let documents = 0;
    let more = false;
    if (deps.store.expireDaysBefore) {
      for (let i = 0; i < RETENTION_MAX_BATCHES; i += 1) {
        const batch = await deps.store.expireDaysBefore(beforeDay, RETENTION_BATCH);
        documents += batch.removed;
        more = batch.more;
        if (!more) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const archiveObjects = deps.archive.removeHoursBefore
      ? await deps.archive.removeHoursBefore(beforeHour)
      : 0;
    deps.logger.info('retention', { beforeDay, beforeHour, documents, archiveObjects, more });
  };
}
