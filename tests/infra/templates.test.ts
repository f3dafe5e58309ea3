import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  at,
  type BicepFile,
  type BicepObject,
  Expr,
  nestedResources,
  parseBicep,
  type Resource,
} from './bicep.js';
import { infraDir, infraFiles, loadBicep, main, readInfra } from './infraFiles.js';

const bicepFiles = infraFiles().filter((f) => f.endsWith('.bicep'));
const paramFiles = infraFiles().filter((f) => f.endsWith('.bicepparam'));
const abbreviations = JSON.parse(readInfra('abbreviations.json')) as Record<string, string>;

function resource(file: BicepFile, type: string): Resource {
  const found = file.resources.filter((r) => r.type.startsWith(`${type}@`) && !r.existing);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return found[0]!;
}

function expr(v: unknown): string | undefined {
  return v instanceof Expr ? v.text : undefined;
}

describe('the Bicep reader', () => {
  it('reads literals, expressions, nested resources and conditions', () => {
    const f = parseBicep(`
@allowed([1, 2])
param n int = 2
var o = {
  a: 'it\\'s'
  'b-c': [
    true
    null
  ]
  d: concat('x', 'y')
}
resource r 'A/b@1' = if (n == 2) {
  name: 'r'
  resource c 'children' = {
    name: 'c'
  }
}
`);
    expect(f.params.get('n')).toEqual({
      type: 'int',
      default: 2,
      decorators: { allowed: [[1, 2]] },
    });
    const o = f.vars.get('o') as BicepObject;
    expect(o.a).toBe("it's");
    expect(o['b-c']).toEqual([true, null]);
    expect(expr(o.d)).toBe("concat('x', 'y')");
    expect(f.resources[0]!.condition).toBe('n == 2');
    expect(nestedResources(f.resources[0]!.body).map((r) => r.symbol)).toEqual(['c']);
  });

  it('rejects unbalanced brackets and unterminated strings', () => {
    expect(() => parseBicep("var o = {\n  a: 'x'\n")).toThrow(/Missing }/);
    expect(() => parseBicep("var s = 'abc\nvar t = 1")).toThrow(/Unterminated string/);
    expect(() => parseBicep('var o = [1, (2]')).toThrow(/Unbalanced/);
  });
});

describe('infra files', () => {
  it.each(bicepFiles)('%s parses', (file) => {
    expect(() => loadBicep(file)).not.toThrow();
  });

  it('uses no keys, connection strings or registry modules', () => {
    for (const file of infraFiles()) {
      const text = readInfra(file);
      expect(text, file).not.toMatch(
        /listKeys|listConnectionStrings|listAccountSas|listServiceSas/i,
      );
      expect(text, file).not.toMatch(/['"]br[:/]|['"]ts[:/]/);
      expect(text, file).not.toMatch(
        /AccountKey=|SharedAccessKey|primaryMasterKey|COSMOS_KEY|MODEL_BLOB_CONNECTION/,
      );
    }
  });

  it('has only local modules, each with a one-line comment above it, all existing', () => {
    for (const file of bicepFiles) {
      for (const mod of loadBicep(file).modules) {
        expect(mod.path, `${file}: ${mod.symbol}`).toMatch(/^(\.\/)?[\w./-]+\.bicep$/);
        expect(existsSync(path.join(infraDir, path.dirname(file), mod.path)), mod.path).toBe(true);
        expect(mod.comment, `${file}: module ${mod.symbol} needs a comment`).toBeTruthy();
      }
    }
  });

  it('passes every module exactly the params it declares, and reads only outputs it has', () => {
    const m = main();
    const mainText = readInfra('main.bicep');
    for (const mod of m.modules) {
      const child = loadBicep(mod.path);
      const passed = Object.keys((mod.body.params as BicepObject | undefined) ?? {});
      const declared = [...child.params.keys()];
      expect(
        passed.filter((p) => !declared.includes(p)),
        `${mod.symbol}: unknown params`,
      ).toEqual([]);
      const required = declared.filter((p) => child.params.get(p)!.default === undefined);
      expect(
        required.filter((p) => !passed.includes(p)),
        `${mod.symbol}: missing params`,
      ).toEqual([]);
      for (const match of mainText.matchAll(
        new RegExp(`\\b${mod.symbol}\\.outputs\\.(\\w+)`, 'g'),
      )) {
        expect(child.outputs.has(match[1]!), `${mod.symbol}.outputs.${match[1]}`).toBe(true);
      }
    }
  });

  it('names resources from the abbreviations table plus uniqueString', () => {
    const m = main();
    expect(expr(m.vars.get('abbrs'))).toBe("loadJsonContent('./abbreviations.json')");
    expect(expr(m.vars.get('resourceToken'))).toMatch(/uniqueString\(/);
    const mainText = readInfra('main.bicep');
    for (const match of mainText.matchAll(/abbrs\.(\w+)/g))
      expect(abbreviations).toHaveProperty(match[1]!);
    const names = [
      ...m.modules.flatMap((mod) =>
        Object.entries((mod.body.params as BicepObject) ?? {})
          // a new name, not a reference to one another module made (x.outputs.y)
          .filter(
            ([k, v]) =>
              /(^n|N)ame$/.test(k) &&
              !/Container|database|queue/i.test(k) &&
              !/\.outputs\./.test(expr(v) ?? ''),
          )
          .map(([k, v]) => [`${mod.symbol}.${k}`, v] as const),
      ),
      ...m.resources.map((r) => [r.symbol, r.body.name] as const),
    ];
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const [where, value] of names) {
      const text = expr(value) ?? '';
      const resolved = m.vars.has(text) ? expr(m.vars.get(text)) : text;
      expect(resolved, where).toMatch(/abbrs\.\w+/);
      expect(resolved, where).toMatch(/resourceToken/);
    }
  });

  it.each(paramFiles)(
    '%s sets only declared params, every required one, within their bounds',
    (file) => {
      const f = loadBicep(file);
      const m = main();
      expect(f.using).toBe('./main.bicep');
      for (const [name, value] of f.assignments) {
        const param = m.params.get(name);
        expect(param, `${file}: ${name} is not a param of main.bicep`).toBeDefined();
        const allowed = param!.decorators.allowed?.[0];
        if (Array.isArray(allowed)) expect(allowed, `${file}: ${name}`).toContain(value);
        const min = param!.decorators.minValue?.[0];
        const max = param!.decorators.maxValue?.[0];
        if (typeof min === 'number')
          expect(value as number, `${file}: ${name}`).toBeGreaterThanOrEqual(min);
        if (typeof max === 'number')
          expect(value as number, `${file}: ${name}`).toBeLessThanOrEqual(max);
      }
      const required = [...m.params].filter(([, p]) => p.default === undefined).map(([n]) => n);
      for (const name of required) expect(f.assignments.has(name), `${file}: ${name}`).toBe(true);
      expect(f.assignments.get('environmentName')).toBe(path.basename(file).split('.')[1]);
    },
  );
});

describe('resources', () => {
  const api = loadBicep('app/api.bicep');
  const messaging = loadBicep('app/messaging.bicep');
  const data = loadBicep('app/data.bicep');
  const monitoring = loadBicep('app/monitoring.bicep');
  const storage = loadBicep('app/storage.bicep');
  const rbac = loadBicep('app/rbac.bicep');
  const m = main();

  it('runs the Function App on Flex Consumption, Node 22, as the user-assigned identity', () => {
    const plan = resource(api, 'Microsoft.Web/serverfarms');
    expect(plan.body.sku).toEqual({ tier: 'FlexConsumption', name: 'FC1' });
    expect(at(plan.body, 'properties.reserved')).toBe(true);
    const site = resource(api, 'Microsoft.Web/sites');
    expect(site.body.kind).toBe('functionapp,linux');
    expect(at(site.body, 'identity.type')).toBe('UserAssigned');
    const config = at(site.body, 'properties.functionAppConfig');
    expect(at(config, 'runtime')).toEqual({ name: 'node', version: '22' });
    expect(expr(at(config, 'scaleAndConcurrency.instanceMemoryMB'))).toBe('instanceMemoryMB');
    expect(expr(at(config, 'scaleAndConcurrency.maximumInstanceCount'))).toBe(
      'maximumInstanceCount',
    );
    expect(at(config, 'deployment.storage.type')).toBe('blobContainer');
    expect(at(config, 'deployment.storage.authentication.type')).toBe('UserAssignedIdentity');
    expect(
      expr(at(config, 'deployment.storage.authentication.userAssignedIdentityResourceId')),
    ).toBe('identityId');
    expect(at(site.body, 'properties.httpsOnly')).toBe(true);
    const basicAuth = nestedResources(site.body).filter(
      (r) => r.type === 'basicPublishingCredentialsPolicies',
    );
    expect(basicAuth.map((r) => [r.body.name, at(r.body, 'properties.allow')])).toEqual([
      ['scm', false],
      ['ftp', false],
    ]);
    expect(m.params.get('instanceMemoryMB')!.default).toBe(2048);
    expect(
      m.resources.find((r) =>
        r.type.startsWith('Microsoft.ManagedIdentity/userAssignedIdentities@'),
      ),
    ).toBeDefined();
  });

  it('sets the Flex runtime in functionAppConfig, never in app settings', () => {
    const text = readInfra('app/api.bicep') + readInfra('main.bicep');
    expect(text).not.toMatch(/^\s*FUNCTIONS_WORKER_RUNTIME\s*:/m);
    expect(text).not.toMatch(/^\s*FUNCTIONS_EXTENSION_VERSION\s*:/m);
    expect(text).not.toMatch(/^\s*WEBSITE_RUN_FROM_PACKAGE\s*:/m);
  });

  it('has a Standard Service Bus queue that drops duplicates and dead-letters expired messages', () => {
    const ns = resource(messaging, 'Microsoft.ServiceBus/namespaces');
    expect(at(ns.body, 'sku.name')).toBe('Standard');
    expect(at(ns.body, 'properties.disableLocalAuth')).toBe(true);
    const q = at(
      resource(messaging, 'Microsoft.ServiceBus/namespaces/queues').body,
      'properties',
    ) as BicepObject;
    expect(q.requiresDuplicateDetection).toBe(true);
    expect(q.deadLetteringOnMessageExpiration).toBe(true);
    expect(q.requiresSession).toBe(false);
    expect(expr(q.duplicateDetectionHistoryTimeWindow)).toBe('duplicateDetectionWindow');
    expect(expr(q.lockDuration)).toBe('lockDuration');
    expect(expr(q.maxDeliveryCount)).toBe('maxDeliveryCount');
    expect(m.params.get('duplicateDetectionWindow')!.default).toBe('PT10M');
    expect(m.params.get('lockDuration')!.default).toBe('PT1M');
  });

  it('has a serverless Cosmos DB account with local auth off', () => {
    const account = resource(data, 'Microsoft.DocumentDB/databaseAccounts');
    expect(at(account.body, 'properties.capabilities')).toEqual([{ name: 'EnableServerless' }]);
    expect(at(account.body, 'properties.disableLocalAuth')).toBe(true);
    expect(at(account.body, 'properties.disableKeyBasedMetadataWriteAccess')).toBe(true);
    const containers = data.resources.filter((r) => r.type.includes('/containers@'));
    expect(containers).toHaveLength(10);
    // Every container of event data expires with its TTL setting; API keys stay until revoked and
    // listed, suppressions until lifted, the audit log and the deletion ledger for good.
    const kept = ['keys', 'suppressions', 'audit', 'deletions'];
    for (const c of containers.filter((c) => !kept.includes(c.symbol)))
      expect(expr(at(c.body, 'properties.resource.defaultTtl')), c.symbol).toMatch(/TtlSeconds$/);
    for (const symbol of kept) {
      expect(
        at(containers.find((c) => c.symbol === symbol)!.body, 'properties.resource.defaultTtl'),
        symbol,
      ).toBeUndefined();
    }
    for (const c of containers) expect(at(c.body, 'properties.options'), c.symbol).toBeUndefined();
  });

  it('has an optional Azure Managed Redis with access keys off and the app identity as its user', () => {
    const redis = loadBicep('app/redis.bicep');
    const mod = m.modules.find((x) => x.path === 'app/redis.bicep')!;
    expect(mod.condition).toBe('deployRedis');
    expect(m.params.get('deployRedis')!.default).toBe(false);
    expect(expr(at(mod.body, 'params.principalId'))).toBe('identity.properties.principalId');
    const db = resource(redis, 'Microsoft.Cache/redisEnterprise/databases');
    expect(at(db.body, 'properties.accessKeysAuthentication')).toBe('Disabled');
    expect(at(db.body, 'properties.clientProtocol')).toBe('Encrypted');
    const user = resource(
      redis,
      'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments',
    );
    expect(expr(at(user.body, 'properties.user.objectId'))).toBe('principalId');
    const settings = at(
      m.modules.find((x) => x.path === 'app/api.bicep')!.body,
      'params.appSettings',
    ) as BicepObject;
    expect(expr(settings.REDIS_HOST)).toBe("deployRedis ? redis.outputs.hostName : ''");
    expect(expr(settings.REDIS_PRINCIPAL_ID)).toBe(
      "deployRedis ? identity.properties.principalId : ''",
    );
  });

  it('has workspace-based Application Insights with local auth off', () => {
    const ai = resource(monitoring, 'Microsoft.Insights/components');
    expect(at(ai.body, 'properties.DisableLocalAuth')).toBe(true);
    expect(expr(at(ai.body, 'properties.WorkspaceResourceId'))).toBe('logAnalytics.id');
  });

  it('turns shared keys and public blob access off on every storage account', () => {
    const common = storage.vars.get('commonProperties') as BicepObject;
    expect(common.allowSharedKeyAccess).toBe(false);
    expect(common.allowBlobPublicAccess).toBe(false);
    const accounts = storage.resources.filter((r) =>
      r.type.startsWith('Microsoft.Storage/storageAccounts@'),
    );
    expect(accounts.map((a) => a.symbol)).toEqual(['hostStorage', 'modelStorage', 'backupStorage']);
    for (const a of accounts) expect(expr(a.body.properties)).toBe('commonProperties');
  });

  it('names every role assignment guid(scope, principal, role) with a commented role id', () => {
    const text = readInfra('app/rbac.bicep');
    const assignments = bicepFiles.flatMap((f) =>
      loadBicep(f).resources.filter(
        (r) => /\/(roleAssignments|sqlRoleAssignments)@/.test(r.type) && !r.existing,
      ),
    );
    expect(assignments.length).toBeGreaterThanOrEqual(9);
    for (const a of assignments) {
      const name = expr(a.body.name) ?? '';
      const args = /^guid\((\S+), (\S+), (\w+)\)$/.exec(name);
      expect(args, `${a.symbol}: ${name}`).not.toBeNull();
      const [, scope, principal, role] = args!;
      const scopeSymbol = expr(a.body.scope) ?? expr(a.body.parent);
      expect(scope, a.symbol).toBe(`${scopeSymbol}.id`);
      expect(principal, a.symbol).toBe(expr(at(a.body, 'properties.principalId')));
      expect(text, `${a.symbol}: role ${role} needs a commented id`).toMatch(
        new RegExp(`^var ${role} = '[0-9a-f-]{36}' // \\S`, 'm'),
      );
    }
  });

  it('grants the roles the app needs', () => {
    const roleIds = Object.fromEntries([...rbac.vars].map(([k, v]) => [k, v]));
    const granted = rbac.resources
      .filter((r) => !r.existing)
      .map((r) => {
        const role = /, (\w+)\)$/.exec(expr(r.body.name) ?? '')![1]!;
        return `${roleIds[role] as string} on ${expr(r.body.scope) ?? expr(r.body.parent)}`;
      });
    expect(granted).toEqual(
      expect.arrayContaining([
        '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39 on namespace::queue', // Service Bus Data Sender
        '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0 on namespace::queue', // Service Bus Data Receiver
        'b7e6dc6d-f1e8-4753-8033-0f276bb0955b on hostStorage', // Storage Blob Data Owner
        '974c5e8b-45b9-4653-ba55-5f855dd0fb88 on hostStorage', // Storage Queue Data Contributor
        '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3 on hostStorage', // Storage Table Data Contributor
        '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1 on modelStorage::blobService::modelContainer', // Blob Data Reader
        '3913510d-42f4-4e42-8a64-420c390055eb on applicationInsights', // Monitoring Metrics Publisher
        '00000000-0000-0000-0000-000000000002 on cosmos', // Cosmos DB Built-in Data Contributor
      ]),
    );
    const cosmos = rbac.resources.find((r) => r.type.includes('sqlRoleAssignments'))!;
    expect(expr(at(cosmos.body, 'properties.roleDefinitionId'))).toBe(
      "'${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'",
    );
  });

  it('reads each secret-free setting from a resource property, not a key', () => {
    const settings = api.vars.get('hostSettings') as BicepObject;
    expect(expr(settings.APPLICATIONINSIGHTS_CONNECTION_STRING)).toBe(
      'applicationInsights.properties.ConnectionString',
    );
    expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toEqual(
      new Expr("'Authorization=AAD;ClientId=${identityClientId}'"),
    );
    expect(readFileSync(path.join(infraDir, 'app/messaging.bicep'), 'utf8')).toContain(
      'serviceBusEndpoint',
    );
  });
});

describe('the raw archive in Bicep', () => {
  const storage = loadBicep('app/storage.bicep');
  const rbac = loadBicep('app/rbac.bicep');
  const m = main();
  const modelAccount = storage.resources.find((r) => r.symbol === 'modelStorage')!;
  const nested = nestedResources(modelAccount.body);

  it('has the archive container beside the models, named as the app setting says', () => {
    const container = nested.find((r) => r.symbol === 'archiveContainer');
    expect(container?.type).toBe('containers');
    expect(expr(container?.body.name)).toBe('archiveContainerName');
    expect(m.vars.get('archiveContainerName')).toBe('archive');
    const settings = m.modules.find((x) => x.symbol === 'api')!.body.params as BicepObject;
    expect(expr(at(settings, 'appSettings.ARCHIVE_BLOB_CONTAINER'))).toBe('archiveContainerName');
    expect(expr(at(settings, 'appSettings.ARCHIVE_BLOB_ACCOUNT_URL'))).toBe(
      'storage.outputs.modelBlobEndpoint',
    );
  });

  it('tiers archive blobs to cool at 30 days, archive at 180, deletes them after the retention, old versions after a day', () => {
    const policy = nested.find((r) => r.symbol === 'lifecycle')!;
    expect(policy.type).toBe('managementPolicies');
    expect(policy.body.name).toBe('default');
    const rules = at(policy.body, 'properties.policy.rules') as BicepObject[];
    expect(rules.map((r) => r.name)).toEqual(['archive-tiering', 'event-files-retention']);
    const rule = rules[0]!;
    expect(rule.enabled).toBe(true);
    expect(at(rule, 'definition.filters.blobTypes')).toEqual(['blockBlob']);
    expect(at(rule, 'definition.filters.prefixMatch')).toEqual([
      new Expr("'${archiveContainerName}/'"),
    ]);
    const base = at(rule, 'definition.actions.baseBlob');
    expect(at(base, 'tierToCool.daysAfterModificationGreaterThan')).toBe(30);
    expect(at(base, 'tierToArchive.daysAfterModificationGreaterThan')).toBe(180);
    expect(expr(at(base, 'delete.daysAfterModificationGreaterThan'))).toBe('archiveRetentionDays');
    // A person's deletion rewrites archive blobs: the old version holding their lines goes after a day.
    expect(at(rule, 'definition.actions.version.delete.daysAfterCreationGreaterThan')).toBe(1);
    const retention = m.params.get('archiveRetentionDays')!;
    expect(retention.decorators.minValue).toEqual([181]);
    expect(retention.default as number).toBeGreaterThan(180);
  });

  it('grants the app Storage Blob Data Contributor on the archive container only', () => {
    const grant = rbac.resources.find((r) => r.symbol === 'archiveWriter')!;
    expect(expr(grant.body.scope)).toBe('modelStorage::blobService::archiveContainer');
    expect(expr(grant.body.name)).toBe(
      'guid(modelStorage::blobService::archiveContainer.id, principalId, storageBlobDataContributor)',
    );
    expect(rbac.vars.get('storageBlobDataContributor')).toBe(
      'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    );
  });
});

describe('the Parquet event files in Bicep', () => {
  const storage = loadBicep('app/storage.bicep');
  const rbac = loadBicep('app/rbac.bicep');
  const m = main();
  const modelAccount = storage.resources.find((r) => r.symbol === 'modelStorage')!;
  const nested = nestedResources(modelAccount.body);

  it('has the events container beside the archive, named as the app settings say', () => {
    const container = nested.find((r) => r.symbol === 'eventFilesContainer');
    expect(container?.type).toBe('containers');
    expect(expr(container?.body.name)).toBe('eventFilesContainerName');
    expect(m.vars.get('eventFilesContainerName')).toBe('events');
    const settings = m.modules.find((x) => x.symbol === 'api')!.body.params as BicepObject;
    expect(at(settings, 'appSettings.EVENT_FILES_BACKEND')).toBe('blob');
    expect(expr(at(settings, 'appSettings.EVENT_FILES_BLOB_CONTAINER'))).toBe(
      'eventFilesContainerName',
    );
    expect(expr(at(settings, 'appSettings.EVENT_FILES_BLOB_ACCOUNT_URL'))).toBe(
      'storage.outputs.modelBlobEndpoint',
    );
  });

  it('deletes day files with the archive retention and their old versions after a day', () => {
    const policy = nested.find((r) => r.symbol === 'lifecycle')!;
    const rules = at(policy.body, 'properties.policy.rules') as BicepObject[];
    const rule = rules.find((r) => r.name === 'event-files-retention')!;
    expect(rule.enabled).toBe(true);
    expect(at(rule, 'definition.filters.prefixMatch')).toEqual([
      new Expr("'${eventFilesContainerName}/'"),
    ]);
    const base = at(rule, 'definition.actions.baseBlob');
    expect(expr(at(base, 'delete.daysAfterModificationGreaterThan'))).toBe('archiveRetentionDays');
    expect(at(base, 'tierToCool')).toBeUndefined();
    expect(at(rule, 'definition.actions.version.delete.daysAfterCreationGreaterThan')).toBe(1);
  });

  it('grants the app Storage Blob Data Contributor on the events container only', () => {
    const grant = rbac.resources.find((r) => r.symbol === 'eventFilesWriter')!;
    expect(expr(grant.body.scope)).toBe('modelStorage::blobService::eventFilesContainer');
    expect(expr(grant.body.name)).toBe(
      'guid(modelStorage::blobService::eventFilesContainer.id, principalId, storageBlobDataContributor)',
    );
  });
});

describe('DATA_RETENTION_DAYS in Bicep', () => {
  const m = main();
  const data = loadBicep('app/data.bicep');

  it('drives the app setting, the scores TTL and the archive lifecycle from one parameter', () => {
    const param = m.params.get('dataRetentionDays')!;
    expect(param.default).toBe(0);
    expect(param.decorators.minValue).toEqual([0]);
    expect(m.vars.get('scoresTtlSeconds')).toEqual(
      new Expr('dataRetentionDays > 0 ? dataRetentionDays * 86400 : -1'),
    );
    expect(m.vars.get('archiveDeleteDays')).toEqual(
      new Expr(
        'dataRetentionDays > 0 ? min(dataRetentionDays, archiveRetentionDays) : archiveRetentionDays',
      ),
    );
    const api = m.modules.find((x) => x.symbol === 'api')!.body.params as BicepObject;
    expect(expr(at(api, 'appSettings.DATA_RETENTION_DAYS'))).toBe(
      "dataRetentionDays > 0 ? string(dataRetentionDays) : ''",
    );
    const dataParams = m.modules.find((x) => x.symbol === 'data')!.body.params as BicepObject;
    expect(expr(at(dataParams, 'scoresTtlSeconds'))).toBe('scoresTtlSeconds');
    const storageParams = m.modules.find((x) => x.symbol === 'storage')!.body.params as BicepObject;
    expect(expr(at(storageParams, 'archiveRetentionDays'))).toBe('archiveDeleteDays');
  });

  it('sets the scores container TTL from it and keeps the rollups on their own', () => {
    const scores = data.resources.find((r) => r.symbol === 'scores')!;
    expect(expr(at(scores.body, 'properties.resource.defaultTtl'))).toBe('scoresTtlSeconds');
    for (const symbol of ['activity', 'dailyEvents', 'users', 'identities']) {
      const c = data.resources.find((r) => r.symbol === symbol)!;
      expect(expr(at(c.body, 'properties.resource.defaultTtl')), symbol).toBe('dataTtlSeconds');
    }
    expect(m.params.get('dataTtlSeconds')!.default).toBe(-1);
  });
});
