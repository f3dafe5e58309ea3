import { parseArgs } from 'node:util';

import { loadConfig } from '../../config.js';
import type { RebuildOutcome, RebuildProgress } from '../../core/time/rebuildProgress.js';
import { canonicalTimeZone } from '../../core/time/zoneClock.js';
import { cosmosStoreOptions } from '../../wiring/cosmosStoreOptions.js';
import { dataPaths } from '../../wiring/dataPaths.js';

export interface RebuildDaysIo {
  env: Record<string, string | undefined>;
  baseDir: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE =
  'usage: event-scoring rebuild-days --timezone <IANA zone> [--batch <documents>]   (npm run rebuild-days -- …)';

/**
 * npm run rebuild-days: recomputes every stored document's day and every rollup in another zone,
 * on the configured store (STORE_BACKEND), with progress; run again after a stop, it resumes.
 * Afterwards set TIMEZONE to the same zone: the store refuses to open with any other.
 */
export async function rebuildDaysCommand(
  args: readonly string[],
  io: RebuildDaysIo,
): Promise<number> {
  let values: { timezone?: string | undefined; batch?: string | undefined; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        timezone: { type: 'string' },
        batch: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.timezone === undefined) {
    io.err(`--timezone is required\n${USAGE}`);
    return 2;
  }
  const zone = canonicalTimeZone(values.timezone);
  if (zone === undefined) {
    io.err(`--timezone ${JSON.stringify(values.timezone)} is not an IANA time zone name`);
    return 2;
  }
  const batch = values.batch === undefined ? 5000 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) {
    io.err('--batch must be an integer from 1 to 100000');
    return 2;
  }
  // TIMEZONE is where the store goes, not where it is: checked below against the store's record.
  const loaded = loadConfig({ ...io.env, TIMEZONE: zone }, 'local');
  if (!loaded.ok) {
    io.err(`Cannot rebuild: ${loaded.message}`);
    return 1;
  }
  const config = loaded.config;
  let last = 0;
  const progress = (p: RebuildProgress) => {
    const now = Date.now();
    if (p.phase === 'fill' && now - last < 1000 && p.done < p.total) return;
    last = now;
    const pct = p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100);
    io.out(
      p.phase === 'clear'
        ? `cleared the day rollups; recomputing ${p.total} documents in ${p.zone}`
        : `${p.phase === 'done' ? 'done' : 'rebuilding'}: ${p.done}/${p.total} documents (${pct} %)`,
    );
  };
  try {
    let outcome: RebuildOutcome;
    if (config.STORE_BACKEND === 'sqlite') {
      const { rebuildSqliteDays } = await import('../../adapters/sqlite/rebuildSqliteDays.js');
      outcome = await rebuildSqliteDays(dataPaths(config, io.baseDir).store, zone, {
        batch,
        onProgress: progress,
      });
    } else {
      const { createCosmosClient } = await import('../../adapters/cosmos/createCosmosClient.js');
      const { rebuildCosmosDays } = await import('../../adapters/cosmos/rebuildCosmosDays.js');
      const client = createCosmosClient(config);
      try {
        outcome = await rebuildCosmosDays(
          client,
          // An existing store: nothing created; the zone is the new one, not the recorded one.
          { ...cosmosStoreOptions(config), createIfMissing: false },
          zone,
          progress,
        );
      } finally {
        client.dispose();
      }
    }
    io.out(
      outcome.documents === 0 && !outcome.resumed
        ? `The store's days are in ${zone} already; nothing to do. Set TIMEZONE=${zone}.`
        : `Rebuilt ${outcome.documents} documents from ${outcome.from ?? 'UTC'} into ${zone}${outcome.resumed ? ' (resumed)' : ''}. Set TIMEZONE=${zone}.`,
    );
    return 0;
  } catch (error) {
    io.err(`Rebuild stopped: ${(error as Error).message}. Run the same command again to resume.`);
    return 1;
  }
}
