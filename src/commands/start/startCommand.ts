import { createTelemetry } from '../../adapters/telemetry/createTelemetry.js';
import { loadConfig } from '../../config.js';
import { startLocalHost } from '../../local/startLocalHost.js';
import { createJsonLogger } from '../../logging/jsonLogger.js';
import { dataPaths } from '../../wiring/dataPaths.js';
import type { CommandIo } from '../commandIo.js';

export const START_USAGE = `usage: event-scoring start   (npm start)
  Serves the function table on PORT (default 7071) and runs the scorer, on the settings in the
  environment (embedded queue and store under DATA_DIR by default). Ctrl+C stops.`;

/** start: the local host until the signal aborts; resolves with the exit code once it has closed. */
export async function startCommand(
  args: readonly string[],
  io: CommandIo,
  /** Tests run from sources score on the main thread: the worker needs the compiled files. */
  options: { scorer?: 'worker' | 'inline' } = {},
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(START_USAGE);
    return 0;
  }
  if (args.length > 0) {
    io.err(`unknown argument ${JSON.stringify(args[0])}\n${START_USAGE}`);
    return 2;
  }
  const loaded = loadConfig(io.env, 'local');
  if (!loaded.ok) {
    io.err(`Cannot start: ${loaded.message}`);
    return 1;
  }
  const config = loaded.config;
  const logger = createJsonLogger({ level: config.LOG_LEVEL });
  const telemetry = await createTelemetry(config.APPLICATIONINSIGHTS_CONNECTION_STRING, logger);
  let host;
  try {
    host = await startLocalHost(config, {
      logger,
      telemetry,
      baseDir: io.baseDir,
      scorer: options.scorer ?? 'worker',
      // The Parquet compaction every 5 minutes (README, "SQL"); tests leave the timers off.
      timers: options.scorer !== 'inline',
      host: io.env.HOST ?? '127.0.0.1',
    });
  } catch (err) {
    io.err(`Cannot start: ${(err as Error).message}`);
    return 1;
  }

  const model = host.deps.models.champion();
  io.out(`Event scoring API running (local host, ${config.QUEUE_BACKEND} queue, ${config.STORE_BACKEND} store)
  POST ${host.url}/api/events
  GET  ${host.url}/api/users/{userId}/scores
  GET  ${host.url}/api/users/{userId}
  GET  ${host.url}/api/stats/dau | top-events | retention?start=YYYY-MM-DD | scores | trends
  POST ${host.url}/api/sql        (SQL over the Parquet files, compacted every 5 min)
  POST ${host.url}/v1/batch (Segment), ${host.url}/batch (PostHog)
  GET  ${host.url}/api/health
  GET  ${host.url}/api/metrics (admin)
  GET  ${host.url}/api/docs       (interactive API docs)
  GET  ${host.url}/api/dashboard  (dashboard)
  days:  ${config.TIMEZONE} (TIMEZONE)
  model: ${model ? `${model.name}@${model.version}` : `none (${host.deps.models.status().detail})`}
  data:  ${config.QUEUE_BACKEND === 'local' || config.STORE_BACKEND === 'sqlite' ? dataPaths(config, io.baseDir).dir : 'in Azure'}
Ctrl+C stops.`);
  if (host.deps.access.isOpen()) {
    io.err(`
  !! OPEN MODE: no API key exists, so every request is let in without one.
  !! Create one (npm run keys -- create --scope write --name my-app) and keys are required
  !! from then on (noticed within API_KEY_CACHE_SECONDS=${config.API_KEY_CACHE_SECONDS} s).
`);
  } else {
    io.out('  access: API keys required (npm run keys -- list)');
  }

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info('stopping');
  try {
    await host.close();
    return 0;
  } catch {
    return 1;
  }
}
