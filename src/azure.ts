import azf, { type HttpHandler } from '@azure/functions';

import { createTelemetry } from './adapters/telemetry/createTelemetry.js';
import { appRoot } from './appRoot.js';
import { loadConfig } from './config.js';
import { bindHttpFunction } from './functions/bindHttpFunction.js';
import { functionTable } from './functionTable.js';
import {
  isHttpFunction,
  isTimerFunction,
  type QueueHandler,
  type TimerHandler,
} from './functionTypes.js';
import { createJsonLogger } from './logging/jsonLogger.js';
import { type Built, createDeps } from './wiring/createDeps.js';

// NOTE: a bad setting fails the worker's load with this message, so the smoke test sees no functions
// rather than functions that 500 on every call.
const loaded = loadConfig(process.env, 'azure');
if (!loaded.ok) throw new Error(loaded.message);
const config = loaded.config;
const logger = createJsonLogger({ level: config.LOG_LEVEL });

let deps: Promise<Built> | undefined;
// Clients and SDKs are built on the first invocation, not at import: registration stays cheap for cold start.
function getDeps(): Promise<Built> {
  deps ??= (async () => {
    const telemetry = await createTelemetry(config.APPLICATIONINSIGHTS_CONNECTION_STRING, logger);
    return createDeps(config, { logger, telemetry, baseDir: appRoot() });
  })().catch((err: unknown) => {
    deps = undefined;
    throw err;
  });
  return deps;
}

function lazy<H>(create: (d: Built) => H): () => Promise<H> {
  let handler: H | undefined;
  return async () => (handler ??= create(await getDeps()));
}

for (const definition of functionTable) {
  if (isHttpFunction(definition)) {
    const handler = lazy<HttpHandler>((d) => bindHttpFunction(definition, d));
    azf.app.http(definition.name, {
      methods: definition.trigger.methods,
      route: definition.trigger.route,
      authLevel: definition.trigger.authLevel,
      handler: async (request, context) => (await handler())(request, context),
    });
  } else if (isTimerFunction(definition)) {
    const handler = lazy<TimerHandler>(definition.create);
    azf.app.timer(definition.name, {
      schedule: definition.trigger.schedule,
      handler: async (timer, context) => (await handler())(timer, context),
    });
  } else {
    const handler = lazy<QueueHandler>(definition.create);
    azf.app.serviceBusQueue(definition.name, {
      connection: definition.trigger.connection,
      queueName: definition.trigger.queueName,
      cardinality: definition.trigger.cardinality,
      handler: async (messages, context) => (await handler())(messages as unknown[], context),
    });
  }
}

// On scale-in or recycle: send buffered telemetry and release clients.
azf.app.hook.appTerminate(async () => {
  if (deps) await (await deps.catch(() => undefined))?.close();
});
