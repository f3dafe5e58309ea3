import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { DEFAULT_OUT_DIR } from '../../scripts/package.js';
import { azureYamlSchema } from './azureYamlSchema.js';
import { at, type BicepObject, Expr } from './bicep.js';
import { infraDir, loadBicep, main, readInfra, repoRoot } from './infraFiles.js';

interface Service {
  project: string;
  language: string;
  host: string;
  dist: string;
  remoteBuild: boolean;
  hooks: Record<string, { windows: { run: string }; posix: { run: string } }>;
}
interface AzureYaml {
  name: string;
  infra: { provider: string; path: string; module: string };
  services: Record<string, Service>;
  hooks: Record<string, { windows: { run: string }; posix: { run: string } }>;
}

const text = readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8');
const azureYaml = parse(text) as AzureYaml;
const validate = new Ajv({ allErrors: true, strict: false }).compile(azureYamlSchema);
const entry = loadBicep(`${azureYaml.infra.module}.bicep`);
const entryText = readInfra(`${azureYaml.infra.module}.bicep`);
const parameters = JSON.parse(readInfra(`${azureYaml.infra.module}.parameters.json`)) as {
  parameters: Record<string, { value: unknown }>;
};
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const exprText = (v: unknown) => (v instanceof Expr ? v.text : undefined);

describe('azure.yaml against azd schema (the published fields this file uses)', () => {
  it('is valid', () => {
    expect(validate(azureYaml), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['an upper-case name', { ...azureYaml, name: 'Event-Scoring' }],
    ['a service without host', { ...azureYaml, services: { api: { project: '.' } } }],
    ['a function without project', { ...azureYaml, services: { api: { host: 'function' } } }],
    ['an unknown hook', { ...azureYaml, hooks: { afterprovision: { run: 'x' } } }],
    ['a hook with a shell but no run', { ...azureYaml, hooks: { postprovision: { shell: 'sh' } } }],
    [
      'remoteBuild off a function',
      { ...azureYaml, services: { api: { host: 'appservice', project: '.', remoteBuild: false } } },
    ],
  ])('refuses %s', (_, doc) => {
    expect(validate(doc)).toBe(false);
  });
});

describe('azure.yaml and the project', () => {
  const api = azureYaml.services.api!;

  it('deploys service api, a TypeScript Function App built from the repository root', () => {
    expect(Object.keys(azureYaml.services)).toEqual(['api']);
    expect(api).toMatchObject({ project: '.', language: 'ts', host: 'function' });
  });

  it('runs npm run package before packaging, and deploys the folder it stages, as it is', () => {
    for (const os of ['windows', 'posix'] as const)
      expect(api.hooks.prepackage![os].run).toBe('npm run package');
    expect(packageJson.scripts.package).toMatch(/dist\/scripts\/package\.js/);
    expect(api.dist).toBe(path.posix.join(DEFAULT_OUT_DIR, 'app'));
    expect(api.remoteBuild).toBe(false);
  });

  it('publishes the first model after provisioning with a script that exists', () => {
    for (const os of ['windows', 'posix'] as const) {
      const run = azureYaml.hooks.postprovision![os].run;
      const script = /^npm run (\S+)$/.exec(run)?.[1];
      expect(packageJson.scripts[script!], run).toMatch(/dist\/scripts\/publishModel\.js/);
    }
    expect(existsSync(path.join(repoRoot, 'scripts/publishModel.ts'))).toBe(true);
    expect(existsSync(path.join(repoRoot, 'models/default.json'))).toBe(true);
  });

  it('points at infra/ and a Bicep module that exists', () => {
    expect(azureYaml.infra.provider).toBe('bicep');
    expect(path.resolve(repoRoot, azureYaml.infra.path)).toBe(infraDir);
    expect(existsSync(path.join(infraDir, `${azureYaml.infra.module}.bicep`))).toBe(true);
  });
});

describe('the azd entry template and its parameters', () => {
  const m = main();

  it('is subscription scoped and creates the resource group tagged with the azd environment', () => {
    expect(entryText).toMatch(/^targetScope = 'subscription'$/m);
    const rg = entry.resources.filter((r) =>
      r.type.startsWith('Microsoft.Resources/resourceGroups@'),
    );
    expect(rg).toHaveLength(1);
    expect(exprText(rg[0]!.body.location)).toBe('location');
    const tags = entry.vars.get(exprText(rg[0]!.body.tags)!) as BicepObject;
    expect(exprText(tags['azd-env-name'])).toBe('environmentName');
  });

  it('takes environmentName and location from AZURE_ENV_NAME and AZURE_LOCATION', () => {
    expect(parameters.parameters).toEqual({
      environmentName: { value: '${AZURE_ENV_NAME}' },
      location: { value: '${AZURE_LOCATION}' },
    });
    const required = [...entry.params].filter(([, p]) => p.default === undefined).map(([n]) => n);
    expect(Object.keys(parameters.parameters).sort()).toEqual(required.sort());
    expect(at(entry.params.get('location')!.decorators.metadata?.[0], 'azd.type')).toBe('location');
  });

  it('deploys main.bicep into that group with every required param, within its bounds', () => {
    expect(entry.modules).toHaveLength(1);
    const mod = entry.modules[0]!;
    expect(mod.path).toBe('main.bicep');
    expect(exprText(mod.body.scope)).toBe('rg');
    const passed = mod.body.params as BicepObject;
    for (const name of Object.keys(passed)) expect(m.params.has(name), name).toBe(true);
    for (const [name, p] of m.params)
      if (p.default === undefined) expect(passed, name).toHaveProperty(name);
    expect(exprText(passed.environmentName)).toBe('environmentName');
    expect(exprText(passed.location)).toBe('location');
    // an azd environment name main.bicep would refuse is refused before anything is created
    const maxMain = m.params.get('environmentName')!.decorators.maxLength![0] as number;
    const maxEntry = entry.params.get('environmentName')!.decorators.maxLength![0] as number;
    expect(maxEntry).toBeLessThanOrEqual(maxMain);
  });

  it('outputs what azd reads, and only outputs main.bicep has', () => {
    expect(exprText(entry.outputs.get('AZURE_LOCATION')?.value)).toBe('location');
    expect(exprText(entry.outputs.get('AZURE_TENANT_ID')?.value)).toBe('tenant().tenantId');
    expect(exprText(entry.outputs.get('AZURE_RESOURCE_GROUP')?.value)).toBe('rg.name');
    expect(exprText(entry.outputs.get('SERVICE_API_NAME')?.value)).toBe(
      'resources.outputs.FUNCTION_APP_NAME',
    );
    for (const match of entryText.matchAll(/\bresources\.outputs\.(\w+)/g))
      expect(m.outputs.has(match[1]!), match[1]).toBe(true);
  });

  it('outputs the settings the postprovision hook reads', () => {
    const script = readFileSync(path.join(repoRoot, 'scripts/publishModel.ts'), 'utf8');
    const read = [...script.matchAll(/required\(env, '(\w+)'\)/g)].map((x) => x[1]!);
    expect(read.length).toBeGreaterThanOrEqual(3);
    for (const name of read) expect(entry.outputs.has(name), name).toBe(true);
  });

  it('tags the Function App, and nothing else, with azd-service-name: api', () => {
    const api = loadBicep('app/api.bicep');
    const tagged = api.resources.filter((r) =>
      /azd-service-name/.test(exprText(r.body.tags) ?? ''),
    );
    expect(tagged.map((r) => r.type.split('@')[0])).toEqual(['Microsoft.Web/sites']);
    const service = Object.keys(azureYaml.services)[0]!;
    expect(exprText(tagged[0]!.body.tags)).toContain(`'azd-service-name': '${service}'`);
    for (const r of [...m.resources, ...entry.resources])
      expect(JSON.stringify(r.body.tags ?? null), r.symbol).not.toMatch(/azd-service-name/);
  });
});
