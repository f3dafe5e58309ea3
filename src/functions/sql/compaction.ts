import type { Deps } from '../../wiring/deps.js';

/** Every 5 minutes: the files are at most this plus one run behind the store (README, "SQL"). */
export const compactionSchedule = { schedule: '0 */5 * * * *', everyMinutes: 5 };

/**
 * The compaction timer: rewrites the Parquet files of the days changed since its last run and
 * reports the lag (SqlCompactionLagSeconds). DuckDB loads on the first run, not at registration.
 */
export function createCompactionHandler(
  deps: Pick<Deps, 'sql' | 'store' | 'config' | 'telemetry' | 'logger' | 'now' | 'newId'>,
) {
  return async function compaction(): Promise<void> {
    if (!deps.sql) return;
    const { compactEvents } = await import('../../sql/compactEvents.js');
    const started = performance.now();
    const result = await compactEvents(
      {
        store: deps.store,
        files: await deps.sql.files(),
        writer: await deps.sql.writer(),
        now: deps.now,
        newId: deps.newId,
      },
      { maxDays: deps.config.SQL_COMPACTION_MAX_DAYS },
    );
    deps.telemetry.trackMetric('SqlCompactionLagSeconds', result.lagSeconds);
    deps.telemetry.trackMetric('SqlCompactionRows', result.rows);
    deps.logger.info('compaction', {
      days: result.days,
      rows: result.rows,
      pending: result.pending,
      lagSeconds: Math.round(result.lagSeconds),
      ms: Math.round(performance.now() - started),
    });
  };
}
