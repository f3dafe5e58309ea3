import { createHash, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import cliProgress from 'cli-progress';

import { noTelemetry } from '../../adapters/telemetry/noTelemetry.js';
import { type Config, loadConfig } from '../../config.js';
import { archiveHoursBetween } from '../../core/archive/archiveHour.js';
import type { ArchiveChunk } from '../../core/archive/readArchive.js';
import { consoleLogger } from '../../logging/consoleLogger.js';
import { createDeps } from '../../wiring/createDeps.js';
import { dataPaths } from '../../wiring/dataPaths.js';
import { type CommandIo, runCommand, UsageError } from '../commandIo.js';
import { loadRescoreModel } from './loadRescoreModel.js';
import { type ArchiveRunTotals, replayArchive, rescoreArchive } from './replayArchive.js';
import { replayCosmosDeadLetters, replayServiceBusDeadLetters } from './replayDeadLetters.js';
import { createPositionFile } from './replayPosition.js';

export const REPLAY_USAGE = `usage: event-scoring replay [poison | deadletters | --from … --to …]   (npm run replay -- …)
  replay                              put the local queue's poisoned messages back
  replay poison                       the same
  replay --from <time> --to <time> [--model <file|blob:name>] [--restart] [--position <file>]
                                      re-send archived events received in [from, to) through the queue;
                                      with --model, add that model's score beside each stored one
  replay deadletters [--servicebus] [--cosmos] [--day yyyy-mm-dd]
                                      re-send Azure dead letters (both sources when neither is given)
  --azure: Azure profile defaults (Service Bus, Cosmos DB, Blob archive) for the settings in the environment`;

/** `yyyy/mm/dd/hh/`: the hour partition at the start of every archive object's name. */
const HOUR_PREFIX_LENGTH = 14;

type ReplayValues = ReturnType<typeof parse>['values'];

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        model: { type: 'string' },
        position: { type: 'string' },
        restart: { type: 'boolean', default: false },
        servicebus: { type: 'boolean', default: false },
        cosmos: { type: 'boolean', default: false },
        day: { type: 'string' },
        azure: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function time(values: ReplayValues, option: 'from' | 'to'): string {
  const text = values[option];
  if (text === undefined) throw new UsageError(`--${option} is required`);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new UsageError(`--${option} is invalid: ${JSON.stringify(text)} is not a date/time`);
  return new Date(ms).toISOString();
}

/** replay: the local poison table, a range of the raw archive (re-send or re-score), or Azure dead letters. */
export async function replayCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(io, REPLAY_USAGE, async () => {
    const { values, positionals } = parse(args);
    if (values.help) {
      io.out(REPLAY_USAGE);
      return 0;
    }
    const command = positionals[0] ?? (values.from || values.to ? 'archive' : 'poison');
    if (!['poison', 'archive', 'deadletters'].includes(command))
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    const loaded = loadConfig(io.env, values.azure ? 'azure' : 'local');
    if (!loaded.ok) throw new UsageError(`Cannot replay: ${loaded.message}`);
    const config = loaded.config;
    try {
      if (command === 'poison') return await replayPoison(config, io);
      if (command === 'archive') return await replayFromArchive(config, values, io);
      return await replayDeadLetters(config, values, io);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new Error(`Cannot replay: ${(error as Error).message}`, { cause: error });
    }
  });
}

async function replayPoison(config: Config, io: CommandIo): Promise<number> {
  const { createSqliteQueue } = await import('../../adapters/sqlite/sqliteQueue.js');
  const path = dataPaths(config, io.baseDir).queue;
  const queue = createSqliteQueue(path, { maxDeliveries: config.LOCAL_QUEUE_MAX_DELIVERIES });
  const moved = queue.replayPoison();
  await queue.close();
  io.out(`${moved} poisoned message(s) put back on the queue in ${path}`);
  return 0;
}

async function replayFromArchive(
  config: Config,
  values: ReplayValues,
  io: CommandIo,
): Promise<number> {
  const from = time(values, 'from');
  const to = time(values, 'to');
  if (from >= to) throw new UsageError('--from must be before --to');
  const run = {
    mode: values.model ? ('rescore' as const) : ('queue' as const),
    from,
    to,
    model: values.model,
  };
  const id = createHash('sha256').update(JSON.stringify(run)).digest('hex').slice(0, 12);
  const position = createPositionFile(
    values.position
      ? resolve(io.baseDir, values.position)
      : join(dataPaths(config, io.baseDir).replay, `${id}.json`),
    run,
  );
  const saved = values.restart ? undefined : position.load();
  if (saved) io.out(`Resuming after ${saved.after} (${saved.events} events done)`);

  const deps = await createDeps(config, {
    logger: consoleLogger,
    telemetry: noTelemetry,
    baseDir: io.baseDir,
  });
  const hours = archiveHoursBetween(from, to);
  const hourIndex = new Map(hours.map((h, i) => [h, i + 1]));
  const progress = createProgress(hours.length, io);
  const onChunk = (chunk: ArchiveChunk, totals: ArchiveRunTotals) => {
    const done = (saved?.events ?? 0) + totals.events;
    position.save(chunk.name, done);
    progress.update(hourIndex.get(chunk.name.slice(0, HOUR_PREFIX_LENGTH)) ?? 0, done);
  };
  try {
    // The deletion ledger: a deleted person's archived events are never re-sent nor re-scored.
    const erased = await deps.deletions.erased.current();
    const options = { from, to, ...(saved ? { after: saved.after } : {}), onChunk, erased };
    if (values.model) {
      const model = await loadRescoreModel(values.model, config, io.baseDir);
      const totals = await rescoreArchive(deps.archive, deps.store, model, options);
      progress.stop();
      io.out(
        `Re-scored ${totals.events} archived event(s) from ${totals.objects} object(s) with ${model.name}@${model.version}: ` +
          `${totals.updated} document(s) hold its score, ${totals.missing} not in the store, ` +
          `${totals.unscorable} unscorable, ${totals.invalid} invalid line(s) skipped, ` +
          `${totals.erased} of deleted persons skipped`,
      );
    } else {
      const totals = await replayArchive(deps.archive, deps.queue, options);
      progress.stop();
      io.out(
        `Re-sent ${totals.events} archived event(s) from ${totals.objects} object(s) through the queue ` +
          `(deduplicated by eventId; ${totals.invalid} invalid line(s) skipped, ` +
          `${totals.erased} of deleted persons skipped)`,
      );
    }
    position.clear();
    return 0;
  } catch (error) {
    progress.stop();
    io.err(`Stopped: ${(error as Error).message}. Run the same command again to resume.`);
    return 1;
  } finally {
    await deps.close();
  }
}

async function replayDeadLetters(
  config: Config,
  values: ReplayValues,
  io: CommandIo,
): Promise<number> {
  const both = !values.servicebus && !values.cosmos;
  const runTag = randomUUID().slice(0, 8);
  const { createServiceBusClient } =
    await import('../../adapters/servicebus/createServiceBusClient.js');
  const client = createServiceBusClient(config);
  const sender = client.createSender(config.SERVICEBUS_QUEUE_NAME);
  try {
    if (values.servicebus || both) {
      const receiver = client.createReceiver(config.SERVICEBUS_QUEUE_NAME, {
        subQueueType: 'deadLetter',
      });
      const totals = await replayServiceBusDeadLetters(receiver, sender, { runTag });
      await receiver.close();
      io.out(
        `Service Bus: ${totals.resent} dead-lettered message(s) re-sent to ${config.SERVICEBUS_QUEUE_NAME}`,
      );
    }
    if (values.cosmos || both) {
      const { createCosmosClient } = await import('../../adapters/cosmos/createCosmosClient.js');
      const cosmos = createCosmosClient(config);
      const container = cosmos
        .database(config.COSMOS_DATABASE)
        .container(config.COSMOS_DEADLETTER_CONTAINER);
      const totals = await replayCosmosDeadLetters(container, sender, {
        runTag,
        ...(values.day ? { day: values.day } : {}),
      });
      cosmos.dispose();
      io.out(
        `Cosmos DB: ${totals.resent} dead letter(s) re-sent and removed, ${totals.kept} kept (not an accepted event)`,
      );
    }
    return 0;
  } finally {
    await sender.close();
    await client.close();
  }
}

/** A bar on a terminal; elsewhere a plain line every few seconds. */
function createProgress(total: number, io: CommandIo) {
  if (io.tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'replay [{bar}] {value}/{total} hours | {events} events | {eta_formatted} left',
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { events: 0 });
    return {
      update: (value: number, events: number) => bar.update(value, { events }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(value: number, events: number) {
      if (Date.now() - last < 3000) return;
      last = Date.now();
      io.err(`replay: hour ${value}/${total}, ${events} events`);
    },
    stop: () => undefined,
  };
}
