import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type BicepFile, type BicepObject, Expr, parseBicep, type Value } from './bicep.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const infraDir = path.join(repoRoot, 'infra');

export function readInfra(rel: string): string {
  return readFileSync(path.join(infraDir, rel), 'utf8');
}

export function loadBicep(rel: string): BicepFile {
  return parseBicep(readInfra(rel));
}

/** Every file under infra/, relative, sorted. */
export function infraFiles(dir = infraDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory()
        ? infraFiles(path.join(dir, d.name))
        : [path.relative(infraDir, path.join(dir, d.name))],
    )
    .sort();
}

export const main = () => loadBicep('main.bicep');

/**
 * The literal a name stands for in `file`: a var holding a literal, or a param's literal default;
 * `string(x)` of such a value. Undefined when it is computed at deployment.
 */
export function literalOf(
  value: Value | undefined,
  file: BicepFile,
): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (!(value instanceof Expr)) return undefined;
  const call = /^string\(([A-Za-z_]\w*)\)$/.exec(value.text);
  if (call) {
    const inner = literalOf(new Expr(call[1]!), file);
    return inner === undefined ? undefined : String(inner);
  }
  if (!/^[A-Za-z_]\w*$/.test(value.text)) return undefined;
  if (file.vars.has(value.text)) return literalOf(file.vars.get(value.text), file);
  const param = file.params.get(value.text);
  return param ? literalOf(param.default, file) : undefined;
}

/** The Function App's app settings: main.bicep's `appSettings` passed to api, plus api.bicep's own. */
export function appSettings(): { fromMain: BicepObject; fromApi: BicepObject } {
  const m = main();
  const apiModule = m.modules.find((mod) => mod.path === 'app/api.bicep');
  if (!apiModule) throw new Error('main.bicep has no app/api.bicep module');
  const fromMain = (apiModule.body.params as BicepObject).appSettings as BicepObject;
  const fromApi = loadBicep('app/api.bicep').vars.get('hostSettings') as BicepObject;
  return { fromMain, fromApi };
}
