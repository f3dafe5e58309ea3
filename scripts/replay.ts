import { createHash, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import cliProgress from 'cli-progress';

import { appRoot } from '../src/appRoot.js';
import { type Config, loadConfig } from '../src/config.js';
import { consoleLogger } from '../src/consoleLogger.js';
import { archiveHoursBetween } from '../src/core/archive/archiveHour.js';
import type { ArchiveChunk } from '../src/core/archive/readArchive.js';
import { createDeps } from '../src/createDeps.js';
import { noTelemetry } from '../src/ports.js';
import { loadRescoreModel } from './replay/loadRescoreModel.js';
import { type ArchiveRunTotals, replayArchive, rescoreArchive } from './replay/replayArchive.js';
import {
  replayCosmosDeadLetters,
  replayServiceBusDeadLetters,
} from './replay/replayDeadLetters.js';
import { createPositionFile } from './replay/replayPosition.js';

const USAGE = `usage:
  npm run replay                      put the local queue's poisoned messages back (as before)
  npm run replay -- poison            the same
  npm run replay -- --from <time> --to <time> [--model <file|blob:name>] [--restart] [--position <file>]
                                      re-send archived events received in [from, to) through the queue;
                                      with --model, add that model's score beside each stored one
  npm run replay -- deadletters [--servicebus] [--cosmos] [--day yyyy-mm-dd]
                                      re-send Azure dead letters (both sources when neither is given)
  --azure: Azure profile defaults (Service Bus, Cosmos DB, Blob archive) for the settings in the environment`;

/** `yyyy/mm/dd/hh/`: the hour partition at the start of every archive object's name. */
const HOUR_PREFIX_LENGTH = 14;

const { values, positionals } = parseArgs({
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

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function time(option: 'from' | 'to'): string {
  const text = values[option];
  if (text === undefined) fail(`--${option} is required`);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    fail(`--${option} is invalid: ${JSON.stringify(text)} is not a date/time`);
  return new Date(ms).toISOString();
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const loaded = loadConfig(process.env, values.azure ? 'azure' : 'local');
if (!loaded.ok) fail(`Cannot replay: ${loaded.message}`);
const config = loaded.config;
const baseDir = appRoot();
const command = positionals[0] ?? (values.from || values.to ? 'archive' : 'poison');

try {
  if (command === 'poison') await replayPoison(config);
  else if (command === 'archive') await replayFromArchive(config);
  else if (command === 'deadletters') await replayDeadLetters(config);
  else fail(`unknown command ${JSON.stringify(command)}`);
} catch (error) {
  console.error(`Cannot replay: ${(error as Error).message}`);
  process.exitCode = 1;
}

async function replayPoison(config: Config): Promise<void> {
  const { createSqliteQueue } = await import('../src/adapters/sqlite/sqliteQueue.js');
  const path = join(resolve(baseDir, config.DATA_DIR), 'queue.db');
  const queue = createSqliteQueue(path, { maxDeliveries: config.LOCAL_QUEUE_MAX_DELIVERIES });
  const moved = queue.replayPoison();
  await queue.close();
  console.log(`${moved} poisoned message(s) put back on the queue in ${path}`);
}

async function replayFromArchive(config: Config): Promise<void> {
  const from = time('from');
  const to = time('to');
  if (from >= to) fail('--from must be before --to');
  const run = {
    mode: values.model ? ('rescore' as const) : ('queue' as const),
    from,
    to,
    model: values.model,
  };
  const id = createHash('sha256').update(JSON.stringify(run)).digest('hex').slice(0, 12);
  const position = createPositionFile(
    values.position ?? join(resolve(baseDir, config.DATA_DIR), 'replay', `${id}.json`),
    run,
  );
  const saved = values.restart ? undefined : position.load();
  if (saved) console.log(`Resuming after ${saved.after} (${saved.events} events done)`);

  const deps = await createDeps(config, { logger: consoleLogger, telemetry: noTelemetry, baseDir });
  const hours = archiveHoursBetween(from, to);
  const hourIndex = new Map(hours.map((h, i) => [h, i + 1]));
  const progress = createProgress(hours.length);
  const onChunk = (chunk: ArchiveChunk, totals: ArchiveRunTotals) => {
    const done = (saved?.events ?? 0) + totals.events;
    position.save(chunk.name, done);
    progress.update(hourIndex.get(chunk.name.slice(0, HOUR_PREFIX_LENGTH)) ?? 0, done);
  };
  const options = { from, to, ...(saved ? { after: saved.after } : {}), onChunk };
  try {
    if (values.model) {
      const model = await loadRescoreModel(values.model, config, baseDir);
      const totals = await rescoreArchive(deps.archive, deps.store, model, options);
      progress.stop();
      console.log(
        `Re-scored ${totals.events} archived event(s) from ${totals.objects} object(s) with ${model.name}@${model.version}: ` +
          `${totals.updated} document(s) hold its score, ${totals.missing} not in the store, ` +
          `${totals.unscorable} unscorable, ${totals.invalid} invalid line(s) skipped`,
      );
    } else {
      const totals = await replayArchive(deps.archive, deps.queue, options);
      progress.stop();
      console.log(
        `Re-sent ${totals.events} archived event(s) from ${totals.objects} object(s) through the queue ` +
          `(deduplicated by eventId; ${totals.invalid} invalid line(s) skipped)`,
      );
    }
    position.clear();
  } catch (error) {
    progress.stop();
    console.error(`Stopped: ${(error as Error).message}. Run the same command again to resume.`);
    process.exitCode = 1;
  } finally {
    await deps.close();
  }
}

async function replayDeadLetters(config: Config): Promise<void> {
  const both = !values.servicebus && !values.cosmos;
  const runTag = randomUUID().slice(0, 8);
  const { createServiceBusClient } =
    await import('../src/adapters/servicebus/createServiceBusClient.js');
  const client = createServiceBusClient(config);
  const sender = client.createSender(config.SERVICEBUS_QUEUE_NAME);
  try {
    if (values.servicebus || both) {
      const receiver = client.createReceiver(config.SERVICEBUS_QUEUE_NAME, {
        subQueueType: 'deadLetter',
      });
      const totals = await replayServiceBusDeadLetters(receiver, sender, { runTag });
      await receiver.close();
      console.log(
        `Service Bus: ${totals.resent} dead-lettered message(s) re-sent to ${config.SERVICEBUS_QUEUE_NAME}`,
      );
    }
    if (values.cosmos || both) {
      const { createCosmosClient } = await import('../src/adapters/cosmos/createCosmosClient.js');
      const cosmos = createCosmosClient(config);
      const container = cosmos
        .database(config.COSMOS_DATABASE)
        .container(config.COSMOS_DEADLETTER_CONTAINER);
      const totals = await replayCosmosDeadLetters(container, sender, {
        runTag,
        ...(values.day ? { day: values.day } : {}),
      });
      cosmos.dispose();
      console.log(
        `Cosmos DB: ${totals.resent} dead letter(s) re-sent and removed, ${totals.kept} kept (not an accepted event)`,
      );
    }
  } finally {
    await sender.close();
    await client.close();
  }
}

/** A bar on a terminal; elsewhere a plain line every few seconds. */
function createProgress(total: number) {
  if (process.stderr.isTTY) {
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
      console.error(`replay: hour ${value}/${total}, ${events} events`);
    },
    stop: () => undefined,
  };
}
