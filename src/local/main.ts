import { resolve } from 'node:path';

import { appRoot } from '../appRoot.js';
import { loadConfig } from '../config.js';
import { createJsonLogger } from '../logging/jsonLogger.js';
import { createTelemetry } from '../telemetry.js';
import { startLocalHost } from './startLocalHost.js';

const loaded = loadConfig(process.env, 'local');
if (!loaded.ok) {
  console.error(`Cannot start: ${loaded.message}`);
  process.exit(1);
}
const config = loaded.config;
const baseDir = appRoot();
const logger = createJsonLogger({ level: config.LOG_LEVEL });
const telemetry = await createTelemetry(config.APPLICATIONINSIGHTS_CONNECTION_STRING, logger);
const host = await startLocalHost(config, {
  logger,
  telemetry,
  baseDir,
  scorer: 'worker',
  timers: true,
  host: process.env.HOST ?? '127.0.0.1',
}).catch((err: unknown) => {
  console.error(`Cannot start: ${(err as Error).message}`);
  process.exit(1);
});

const model = host.deps.models.champion();
console.log(`Event scoring API running (local host, ${config.QUEUE_BACKEND} queue, ${config.STORE_BACKEND} store)
  POST ${host.url}/api/events
  GET  ${host.url}/api/users/{userId}/scores
  GET  ${host.url}/api/users/{userId}
  GET  ${host.url}/api/stats/dau | top-events | retention?start=YYYY-MM-DD | scores
  POST ${host.url}/api/sql        (SQL over the Parquet files, compacted every 5 min)
  POST ${host.url}/v1/batch (Segment), ${host.url}/batch (PostHog)
  GET  ${host.url}/api/health
  GET  ${host.url}/api/metrics (admin)
  GET  ${host.url}/api/docs       (interactive API docs)
  GET  ${host.url}/api/dashboard  (dashboard)
  model: ${model ? `${model.name}@${model.version}` : `none (${host.deps.models.status().detail})`}
  data:  ${config.QUEUE_BACKEND === 'local' || config.STORE_BACKEND === 'sqlite' ? resolve(baseDir, config.DATA_DIR) : 'in Azure'}
Ctrl+C stops.`);
if (host.deps.access.isOpen()) {
  console.warn(`
  !! OPEN MODE: no API key exists, so every request is let in without one.
  !! Create one (npm run keys -- create --scope write --name my-app) and keys are required
  !! from then on (noticed within API_KEY_CACHE_SECONDS=${config.API_KEY_CACHE_SECONDS} s).
`);
} else {
  console.log('  access: API keys required (npm run keys -- list)');
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
