import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { functionTable } from '../../src/functionTable.js';
import { CORE_FUNCTIONS } from '../support/coreFunctions.js';
import {
  type HostLoad,
  loadedPackage,
  loadEntryAsHost,
  node22,
  type RegisteredFunction,
} from '../support/functionsCoreStandIn.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const main = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string })
  .main;

/** What the azure profile needs to load; placeholders only, nothing is contacted at load. */
const AZURE_ENV = {
  FUNCTIONS_WORKER_RUNTIME: 'node',
  ServiceBusConnection__fullyQualifiedNamespace: 'example.servicebus.windows.net',
  COSMOS_ENDPOINT: 'https://example.documents.azure.com:443/',
  ARCHIVE_BLOB_ACCOUNT_URL: 'https://example.blob.core.windows.net/',
  EVENT_FILES_BLOB_ACCOUNT_URL: 'https://example.blob.core.windows.net/',
};

const SDKS = ['applicationinsights', '@azure/cosmos', '@azure/service-bus', '@duckdb/node-api'];

function trigger(f: RegisteredFunction) {
  const found = Object.entries(f.bindings).filter(([, b]) => /trigger$/i.test(b.type));
  expect(found, `${f.name} has one trigger binding`).toHaveLength(1);
  return found[0]![1];
}

function byName(load: HostLoad, name: string): RegisteredFunction {
  const f = load.registrations.find((r) => r.name === name);
  if (!f) throw new Error(`${name} was not registered`);
  return f;
}

describe('the built entry, loaded as the Functions host loads it', () => {
  let load: HostLoad;

  beforeAll(() => {
    // `npm test` builds first; a bare `vitest run` on a fresh clone builds here.
    if (!existsSync(path.join(root, main))) build();
    load = loadEntryAsHost(root, main, { env: AZURE_ENV });
  });

  it('leaves test mode: finds @azure/functions-core and sets its programming model', () => {
    expect(load.error).toBeUndefined();
    expect(load.loaded).toBe(true);
    expect(load.coreRequests).toBeGreaterThan(0);
    expect(load.programmingModel?.name).toBe('@azure/functions');
    const version = (
      JSON.parse(
        readFileSync(path.join(root, 'node_modules/@azure/functions/package.json'), 'utf8'),
      ) as { version: string }
    ).version;
    expect(load.programmingModel?.version).toBe(version);
  });

  it('registers exactly the functions of the function table', () => {
    const names = load.registrations.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(functionTable.map((f) => f.name).sort());
    expect([...names].sort()).toEqual(expect.arrayContaining(CORE_FUNCTIONS));
  });

  it('registers HTTP triggers with their routes, methods and auth levels, and an http output', () => {
    const expected = [
      { name: 'ingest', route: 'api/events', methods: ['POST'], authLevel: 'anonymous' },
      {
        name: 'userScores',
        route: 'api/users/{userId}/scores',
        methods: ['GET'],
        authLevel: 'anonymous',
      },
      { name: 'dau', route: 'api/stats/dau', methods: ['GET'], authLevel: 'anonymous' },
      {
        name: 'topEvents',
        route: 'api/stats/top-events',
        methods: ['GET'],
        authLevel: 'anonymous',
      },
      { name: 'retention', route: 'api/stats/retention', methods: ['GET'], authLevel: 'anonymous' },
      {
        name: 'scoreDistribution',
        route: 'api/stats/scores',
        methods: ['GET'],
        authLevel: 'anonymous',
      },
      {
        name: 'userSummary',
        route: 'api/users/{userId}',
        methods: ['GET'],
        authLevel: 'anonymous',
      },
      { name: 'health', route: 'api/health', methods: ['GET'], authLevel: 'anonymous' },
      { name: 'docs', route: 'api/docs', methods: ['GET'], authLevel: 'anonymous' },
      { name: 'assets', route: 'api/assets/{*path}', methods: ['GET'], authLevel: 'anonymous' },
    ];
    for (const e of expected) {
      const f = byName(load, e.name);
      expect(trigger(f), e.name).toMatchObject({
        type: 'httpTrigger',
        direction: 'in',
        route: e.route,
        methods: e.methods,
        authLevel: e.authLevel,
      });
      expect(f.bindings.$return, e.name).toMatchObject({ type: 'http', direction: 'out' });
      expect(Object.keys(f.bindings), e.name).toHaveLength(2);
    }
  });

  it('registers the scorer on the Service Bus queue named by a setting, in batches', () => {
    const scorer = byName(load, 'scorer');
    expect(trigger(scorer)).toMatchObject({
      type: 'serviceBusTrigger',
      direction: 'in',
      connection: 'ServiceBusConnection',
      queueName: '%SERVICEBUS_QUEUE_NAME%',
      cardinality: 'many',
    });
    expect(scorer.retryOptions).toBeUndefined();
  });

  it('registers what the function table says, trigger by trigger', () => {
    for (const definition of functionTable) {
      const t = trigger(byName(load, definition.name));
      if (definition.trigger.type === 'http') {
        expect(t).toMatchObject({
          type: 'httpTrigger',
          route: definition.trigger.route,
          methods: definition.trigger.methods,
          authLevel: definition.trigger.authLevel,
        });
      } else if (definition.trigger.type === 'timer') {
        expect(t).toMatchObject({ type: 'timerTrigger', schedule: definition.trigger.schedule });
      } else {
        expect(t).toMatchObject({
          type: 'serviceBusTrigger',
          connection: definition.trigger.connection,
          queueName: definition.trigger.queueName,
          cardinality: definition.trigger.cardinality,
        });
      }
    }
  });

  it('loads no Azure SDK and no Application Insights at load', () => {
    for (const pkg of SDKS) expect(loadedPackage(load, pkg), pkg).toBe(false);
    expect(loadedPackage(load, 'zod-openapi'), 'zod-openapi (the docs load on first call)').toBe(
      false,
    );
    expect(loadedPackage(load, '@azure/functions')).toBe(true);
  });

  it('sees an SDK load when there is one (the check above can fail)', () => {
    const control = loadEntryAsHost(root, main, { env: AZURE_ENV, alsoImport: '@azure/cosmos' });
    expect(loadedPackage(control, '@azure/cosmos')).toBe(true);
    expect(loadedPackage(control, 'applicationinsights')).toBe(false);
  });

  it('sees DuckDB when it is loaded (its native binding is in the package, loaded on demand)', () => {
    const control = loadEntryAsHost(root, main, {
      env: AZURE_ENV,
      alsoImport: '@duckdb/node-api',
    });
    expect(control.error).toBeUndefined();
    expect(loadedPackage(control, '@duckdb/node-api')).toBe(true);
  });

  it('does not start Application Insights at load when its connection string is set', () => {
    const withAi = loadEntryAsHost(root, main, {
      env: {
        ...AZURE_ENV,
        APPLICATIONINSIGHTS_CONNECTION_STRING:
          'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:1/',
      },
    });
    expect(withAi.loaded).toBe(true);
    expect(withAi.registrations).toHaveLength(functionTable.length);
    for (const pkg of SDKS) expect(loadedPackage(withAi, pkg), pkg).toBe(false);
  });

  it('fails the load, registering nothing, when COSMOS_ENDPOINT is missing', () => {
    const { COSMOS_ENDPOINT: _omitted, ...env } = AZURE_ENV;
    const bad = loadEntryAsHost(root, main, { env });
    expect(bad.loaded).toBe(false);
    expect(bad.error).toMatch(/COSMOS_ENDPOINT/);
    expect(bad.registrations).toEqual([]);
  });

  it('fails the load when the Service Bus namespace is missing', () => {
    const { ServiceBusConnection__fullyQualifiedNamespace: _omitted, ...env } = AZURE_ENV;
    const bad = loadEntryAsHost(root, main, { env });
    expect(bad.loaded).toBe(false);
    expect(bad.error).toMatch(/ServiceBusConnection__fullyQualifiedNamespace/);
  });

  it('answers health 503, naming queue and store, when neither can be reached', async () => {
    const port = await closedPort();
    const unreachable = loadEntryAsHost(root, main, {
      env: {
        FUNCTIONS_WORKER_RUNTIME: 'node',
        // Key and connection-string auth, so no credential probes anything either.
        ServiceBusConnection: `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA==;UseDevelopmentEmulator=true`,
        COSMOS_ENDPOINT: `https://127.0.0.1:${port}/`,
        COSMOS_KEY: Buffer.from('test').toString('base64'),
        COSMOS_CREATE_IF_MISSING: 'false',
        ARCHIVE_BLOB_ACCOUNT_URL: `https://127.0.0.1:${port}/`,
        EVENT_FILES_BLOB_ACCOUNT_URL: `https://127.0.0.1:${port}/`,
      },
      invoke: { name: 'health', method: 'GET', url: 'http://localhost:7071/api/health' },
      timeoutMs: 25_000,
    });
    expect(unreachable.error).toBeUndefined();
    expect(unreachable.invocation?.statusCode).toBe(503);
    // DuckDB's native binding is loaded by the SQL function and the compaction only.
    expect(loadedPackage(unreachable, '@duckdb/node-api')).toBe(false);
    const body = JSON.parse(unreachable.invocation?.body ?? '{}') as { down?: string[] };
    expect(body.down).toEqual(expect.arrayContaining(['queue', 'store']));
    // Each check gives up after 3 s, and they run side by side.
    expect(unreachable.invocation?.ms).toBeLessThan(8_000);
  });
});

/** `npm run build`; tsc still emits when another file has a type error, which is enough here. */
function build(): void {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(node22(root), [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    if (!existsSync(path.join(root, main))) throw err;
  }
}

/** A loopback port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
