import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  activityContainer,
  auditContainer,
  dailyEventsContainer,
  deadLetterContainer,
  deletionsContainer,
  identitiesContainer,
  keysContainer,
  scoresContainer,
  suppressionsContainer,
  usersContainer,
} from '../../src/adapters/cosmos/containers.js';
import { loadConfig, settingsSchema } from '../../src/config.js';
import { functionTable } from '../../src/functionTable.js';
import { isHttpFunction } from '../../src/functionTypes.js';
import { at, type BicepObject, Expr, plain, type Value } from './bicep.js';
import { appSettings, literalOf, loadBicep, main, repoRoot } from './infraFiles.js';

const m = main();
const api = loadBicep('app/api.bicep');
const data = loadBicep('app/data.bicep');
const { fromMain, fromApi } = appSettings();
const bicepSettings: BicepObject = { ...fromMain, ...fromApi };
const schemaKeys = Object.keys(settingsSchema.shape);
const defaults = settingsSchema.parse({});

/** Settings the Functions host or an Azure SDK reads, which the app's schema rightly does not list. */
const HOST_SETTINGS: Record<string, string> = {
  AzureWebJobsStorage__blobServiceUri: 'host storage, identity-based',
  AzureWebJobsStorage__queueServiceUri: 'host storage, identity-based',
  AzureWebJobsStorage__tableServiceUri: 'host storage, identity-based',
  AzureWebJobsStorage__credential: 'host storage, identity-based',
  AzureWebJobsStorage__clientId: 'host storage, identity-based',
  ServiceBusConnection__credential:
    'the Service Bus trigger binding (connection: ServiceBusConnection)',
  ServiceBusConnection__clientId:
    'the Service Bus trigger binding (connection: ServiceBusConnection)',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
    'the host and the Application Insights SDK (Entra auth)',
};

/**
 * The environment the Function App gets: literals as Bicep writes them; values only known at
 * deployment become placeholders of the right shape (a URL for endpoints, a count of days, a name otherwise).
 */
function bicepEnv(settings: BicepObject = bicepSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    const literal = literalOf(value, key in fromApi ? api : m);
    if (literal !== undefined) env[key] = String(literal);
    else if (/(URL|ENDPOINT|Uri)$/.test(key)) env[key] = 'https://placeholder.invalid/';
    else if (/_DAYS$/.test(key)) env[key] = '30';
    else env[key] = `placeholder-${key.toLowerCase().replace(/_/g, '-')}`;
  }
  return env;
}

/** Settings the Azure profile cannot start without, found by asking loadConfig from an empty env. */
function requiredOnAzure(): string[] {
  const env: Record<string, string> = {};
  const required: string[] = [];
  for (let i = 0; i < schemaKeys.length; i++) {
    const result = loadConfig(env, 'azure');
    if (result.ok) return required;
    const name = /^Setting (\S+) is missing/.exec(result.message)?.[1];
    if (!name) throw new Error(`Unexpected loadConfig message: ${result.message}`);
    required.push(name);
    env[name] = /(URL|ENDPOINT)$/.test(name) ? 'https://placeholder.invalid/' : 'placeholder';
  }
  throw new Error('loadConfig never accepted the settings');
}

describe('app settings in Bicep and src/config.ts', () => {
  it('sets every setting the Azure profile requires', () => {
    const required = requiredOnAzure();
    expect(required).toEqual(
      expect.arrayContaining(['ServiceBusConnection__fullyQualifiedNamespace', 'COSMOS_ENDPOINT']),
    );
    for (const name of required) expect(bicepSettings, name).toHaveProperty(name);
  });

  it('gives loadConfig an environment it accepts, with the values Bicep means', () => {
    const result = loadConfig(bicepEnv(), 'azure');
    if (!result.ok) throw new Error(result.message);
    const c = result.config;
    expect(c.QUEUE_BACKEND).toBe('servicebus');
    expect(c.STORE_BACKEND).toBe('cosmos');
    expect(c.COSMOS_CREATE_IF_MISSING).toBe(false);
    expect(c.MODEL_REFRESH_SECONDS).toBe(m.params.get('modelRefreshSeconds')!.default);
    expect(c.MODEL_BLOB_NAME).toBe(m.params.get('modelBlobName')!.default);
  });

  it('is rejected when a required setting is dropped or misspelt', () => {
    const { COSMOS_ENDPOINT, ...withoutCosmos } = bicepSettings;
    expect(COSMOS_ENDPOINT).toBeDefined();
    expect(loadConfig(bicepEnv(withoutCosmos), 'azure').ok).toBe(false);
    const misspelt = { ...withoutCosmos, COSMOS_ENDPIONT: new Expr('data.outputs.endpoint') };
    expect(loadConfig(bicepEnv(misspelt), 'azure').ok).toBe(false);
  });

  it('sets no setting the app and the host do not read', () => {
    const unknown = Object.keys(bicepSettings).filter(
      (k) => !schemaKeys.includes(k) && !(k in HOST_SETTINGS),
    );
    expect(unknown).toEqual([]);
  });

  it('uses identity-based connections only', () => {
    for (const key of [
      'ServiceBusConnection',
      'COSMOS_KEY',
      'MODEL_BLOB_CONNECTION',
      'AzureWebJobsStorage',
    ]) {
      expect(bicepSettings, key).not.toHaveProperty(key);
    }
    for (const [key, value] of Object.entries(bicepSettings)) {
      if (key.endsWith('__credential')) expect(value, key).toBe('managedidentity');
    }
    expect(plain(bicepSettings.AZURE_CLIENT_ID)).toEqual({ expr: 'identityClientId' });
    expect(plain(bicepSettings.AzureWebJobsStorage__clientId)).toEqual({
      expr: 'identityClientId',
    });
    expect(plain(bicepSettings.ServiceBusConnection__clientId)).toEqual({
      expr: 'identity.properties.clientId',
    });
  });

  it('keeps the names the code defaults to', () => {
    const env = bicepEnv();
    expect(env.SERVICEBUS_QUEUE_NAME).toBe(defaults.SERVICEBUS_QUEUE_NAME);
    expect(env.COSMOS_DATABASE).toBe(defaults.COSMOS_DATABASE);
    expect(env.COSMOS_SCORES_CONTAINER).toBe(defaults.COSMOS_SCORES_CONTAINER);
    expect(env.COSMOS_ACTIVITY_CONTAINER).toBe(defaults.COSMOS_ACTIVITY_CONTAINER);
    expect(env.COSMOS_DEADLETTER_CONTAINER).toBe(defaults.COSMOS_DEADLETTER_CONTAINER);
    expect(env.COSMOS_DAILY_EVENTS_CONTAINER).toBe(defaults.COSMOS_DAILY_EVENTS_CONTAINER);
    expect(env.COSMOS_USERS_CONTAINER).toBe(defaults.COSMOS_USERS_CONTAINER);
    expect(env.COSMOS_IDENTITIES_CONTAINER).toBe(defaults.COSMOS_IDENTITIES_CONTAINER);
    expect(env.MODEL_BLOB_CONTAINER).toBe(defaults.MODEL_BLOB_CONTAINER);
    expect(env.COSMOS_API_KEYS_CONTAINER).toBe(defaults.COSMOS_API_KEYS_CONTAINER);
    expect(env.API_KEY_CACHE_SECONDS).toBe(String(defaults.API_KEY_CACHE_SECONDS));
    expect(env.COSMOS_SUPPRESSIONS_CONTAINER).toBe(defaults.COSMOS_SUPPRESSIONS_CONTAINER);
    expect(env.COSMOS_AUDIT_CONTAINER).toBe(defaults.COSMOS_AUDIT_CONTAINER);
    expect(env.COSMOS_DELETIONS_CONTAINER).toBe(defaults.COSMOS_DELETIONS_CONTAINER);
  });

  it('requires keys in Azure and shares the rate limits through Redis only when deployed', () => {
    const result = loadConfig(bicepEnv(), 'azure');
    if (!result.ok) throw new Error(result.message);
    expect(result.config.profile).toBe('azure');
    // With deployRedis both settings come from the module; without it both are '' (unset).
    const withoutRedis = { ...bicepSettings, REDIS_HOST: '', REDIS_PRINCIPAL_ID: '' };
    const off = loadConfig(bicepEnv(withoutRedis), 'azure');
    expect(off.ok && off.config.REDIS_HOST).toBeUndefined();
    const half = loadConfig(bicepEnv({ ...bicepSettings, REDIS_PRINCIPAL_ID: '' }), 'azure');
    expect(half.ok).toBe(false);
  });
});

describe('functions and their bindings', () => {
  const queueFunctions = functionTable.filter((f) => f.trigger.type === 'serviceBusQueue');

  it('finds each trigger connection as identity-based settings', () => {
    expect(queueFunctions.map((f) => f.name)).toEqual(['scorer']);
    for (const f of queueFunctions) {
      const t = f.trigger as { connection: string; queueName: string };
      expect(bicepSettings).toHaveProperty(`${t.connection}__fullyQualifiedNamespace`);
      expect(bicepSettings[`${t.connection}__credential`]).toBe('managedidentity');
      expect(bicepSettings).toHaveProperty(`${t.connection}__clientId`);
    }
  });

  it('resolves each %SETTING% in a binding to the queue Bicep creates', () => {
    const messagingModule = m.modules.find((mod) => mod.path === 'app/messaging.bicep')!;
    const createdQueue = literalOf(at(messagingModule.body, 'params.queueName'), m);
    for (const f of queueFunctions) {
      const setting = /^%(\w+)%$/.exec((f.trigger as { queueName: string }).queueName)?.[1];
      expect(setting, f.name).toBeDefined();
      expect(bicepEnv()[setting!], f.name).toBe(createdQueue);
    }
  });
});

describe('Cosmos DB containers in Bicep and src/adapters/cosmos/containers.ts', () => {
  const byName = new Map<string, { body: BicepObject }>();
  for (const r of data.resources.filter((r) => r.type.includes('/containers@'))) {
    // name: <param> in data.bicep -> the var main.bicep passes for it -> its literal
    const param = (r.body.name as Expr).text;
    const dataModule = m.modules.find((mod) => mod.path === 'app/data.bicep')!;
    const name = literalOf(at(dataModule.body, `params.${param}`), m);
    byName.set(String(name), r);
  }
  const cases = [
    ['COSMOS_SCORES_CONTAINER', scoresContainer],
    ['COSMOS_ACTIVITY_CONTAINER', activityContainer],
    ['COSMOS_DEADLETTER_CONTAINER', deadLetterContainer],
    ['COSMOS_API_KEYS_CONTAINER', keysContainer],
    ['COSMOS_DAILY_EVENTS_CONTAINER', dailyEventsContainer],
    ['COSMOS_USERS_CONTAINER', usersContainer],
    ['COSMOS_IDENTITIES_CONTAINER', identitiesContainer],
    ['COSMOS_SUPPRESSIONS_CONTAINER', suppressionsContainer],
    ['COSMOS_AUDIT_CONTAINER', auditContainer],
    ['COSMOS_DELETIONS_CONTAINER', deletionsContainer],
  ] as const;

  it.each(cases)("%s has the code's partition key and indexing policy", (setting, shape) => {
    const name = bicepEnv()[setting]!;
    const container = byName.get(name);
    expect(container, `no container named ${name} in data.bicep`).toBeDefined();
    const resource = at(container!.body, 'properties.resource') as BicepObject;
    expect(plain(resource.id)).toEqual(plain(container!.body.name));
    expect(plain(resource.partitionKey)).toEqual(JSON.parse(JSON.stringify(shape.partitionKey)));
    expect(plain(resource.indexingPolicy)).toEqual(
      JSON.parse(JSON.stringify(shape.indexingPolicy)),
    );
  });

  it('notices a container whose indexing drifts from the code', () => {
    const drifted = {
      ...scoresContainer.indexingPolicy,
      includedPaths: [{ path: '/occurredAt/?' }],
    };
    const resource = at(
      byName.get(defaults.COSMOS_SCORES_CONTAINER)!.body,
      'properties.resource',
    ) as BicepObject;
    expect(plain(resource.indexingPolicy)).not.toEqual(JSON.parse(JSON.stringify(drifted)));
  });
});

describe('host.json and package.json', () => {
  const host = JSON.parse(readFileSync(path.join(repoRoot, 'host.json'), 'utf8')) as {
    version: string;
    functionTimeout: string;
    extensionBundle: { id: string; version: string };
    extensions: { serviceBus: Record<string, Value>; http: { routePrefix: string } };
    logging: { applicationInsights: { samplingSettings: { excludedTypes: string } } };
  };
  const seconds = (span: string) => {
    const [h, mi, s] = span.split(':').map(Number);
    return h! * 3600 + mi! * 60 + s!;
  };
  const isoSeconds = (iso: string) => {
    const x = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso)!;
    return Number(x[1] ?? 0) * 3600 + Number(x[2] ?? 0) * 60 + Number(x[3] ?? 0);
  };

  it('uses extension bundle 4 and settles Service Bus messages itself', () => {
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({
      id: 'Microsoft.Azure.Functions.ExtensionBundle',
      version: '[4.*, 5.0.0)',
    });
    expect(host.extensions.serviceBus.autoCompleteMessages).toBe(true);
    expect(host.extensions.serviceBus.maxMessageBatchSize).toBeGreaterThan(1);
    expect(host.logging.applicationInsights.samplingSettings.excludedTypes.split(';')).toContain(
      'Request',
    );
  });

  it('keeps locks alive as long as a batch may run, and a lost lock shorter than that', () => {
    const timeout = seconds(host.functionTimeout);
    const renewal = seconds(host.extensions.serviceBus.maxAutoLockRenewalDuration as string);
    expect(timeout).toBeLessThanOrEqual(renewal);
    const lock = isoSeconds(m.params.get('lockDuration')!.default as string);
    expect(lock).toBeLessThanOrEqual(300); // Service Bus maximum
    expect(lock).toBeLessThan(timeout);
  });

  it("drops the api route prefix, so the table's full paths (api/..., v1/...) are the URLs in Azure", () => {
    expect(host.extensions.http.routePrefix).toBe('');
    for (const f of functionTable.filter(isHttpFunction)) {
      expect(f.trigger.route, f.name).toMatch(/^[a-z0-9]/i);
    }
  });

  it('points package.json main at a file the build produces from src/', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      main: string;
    };
    const source = pkg.main.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(existsSync(path.join(repoRoot, source)), source).toBe(true);
    expect(existsSync(path.join(repoRoot, pkg.main)), `${pkg.main}: run npm run build first`).toBe(
      true,
    );
  });
});
