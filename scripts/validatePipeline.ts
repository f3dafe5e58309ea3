import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';

import { packageRootAbove } from '../src/appRoot.js';

/** Where the official schema sits beside the repository (shared/ is a sibling of the repo root). */
export const SCHEMA_RELATIVE_PATH = '../shared/schemas/azure-pipelines.schema.json';

/** What a YAML file is, by its top-level keys: the whole pipeline or one kind of template. */
export type PipelineFileKind = 'pipeline' | 'stages' | 'jobs' | 'steps' | 'variables' | 'extends';

const TEMPLATE_DEFINITIONS: Record<Exclude<PipelineFileKind, 'pipeline'>, string> = {
  stages: 'stagesTemplate',
  jobs: 'jobsTemplate',
  steps: 'stepsTemplate',
  variables: 'variablesTemplate',
  extends: 'parametersTemplate',
};

export interface FileResult {
  file: string;
  kind: PipelineFileKind;
  errors: string[];
}

interface JsonObject {
  [key: string]: unknown;
}

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Task name (lower case, as the schema ignores case) -> alias -> canonical input name. */
export type AliasTable = Map<string, Map<string, string>>;
/** Task name (lower case) -> canonical input name -> the JSON type its schema declares. */
export type InputTypeTable = Map<string, Map<string, string>>;

function taskVariants(schema: JsonObject): JsonObject[] {
  const task = (schema.definitions as JsonObject).task as JsonObject;
  return (task.anyOf as JsonObject[]) ?? [];
}

function taskNameOf(variant: JsonObject): string | undefined {
  const pattern = ((variant.properties as JsonObject | undefined)?.task as JsonObject | undefined)
    ?.pattern;
  return typeof pattern === 'string' ? pattern.replace(/^\^/, '').replace(/\$$/, '') : undefined;
}

function taskInputs(schema: JsonObject): [string, JsonObject][] {
  const out: [string, JsonObject][] = [];
  for (const variant of taskVariants(schema)) {
    const name = taskNameOf(variant);
    const inputs = ((variant.properties as JsonObject).inputs as JsonObject | undefined)
      ?.properties;
    if (name && isObject(inputs)) out.push([name.toLowerCase(), inputs]);
  }
  return out;
}

/** Reads every task input's aliases from the schema (e.g. AzureCLI@2: connectedServiceNameARM -> azureSubscription). */
export function aliasTable(schema: JsonObject): AliasTable {
  const table: AliasTable = new Map();
  for (const [name, inputs] of taskInputs(schema)) {
    const aliases = table.get(name) ?? new Map<string, string>();
    for (const [canonical, def] of Object.entries(inputs)) {
      if (!isObject(def) || !Array.isArray(def.aliases)) continue;
      for (const alias of def.aliases) if (typeof alias === 'string') aliases.set(alias, canonical);
    }
    table.set(name, aliases);
  }
  return table;
}

/** Reads the declared type of every task input ('string', 'boolean', 'integer'; enums are strings). */
export function inputTypeTable(schema: JsonObject): InputTypeTable {
  const table: InputTypeTable = new Map();
  for (const [name, inputs] of taskInputs(schema)) {
    const types = table.get(name) ?? new Map<string, string>();
    for (const [input, def] of Object.entries(inputs)) {
      if (isObject(def)) types.set(input, typeof def.type === 'string' ? def.type : 'string');
    }
    table.set(name, types);
  }
  return table;
}

/** Renames aliased task inputs to their canonical names, everywhere in the document (in place). */
export function renameAliases(doc: unknown, table: AliasTable): void {
  if (Array.isArray(doc)) {
    for (const item of doc) renameAliases(item, table);
    return;
  }
  if (!isObject(doc)) return;
  if (typeof doc.task === 'string' && isObject(doc.inputs)) {
    const aliases = table.get(doc.task.toLowerCase());
    if (aliases) {
      const renamed: JsonObject = {};
      for (const [key, value] of Object.entries(doc.inputs)) {
        const canonical = aliases.get(key) ?? key;
        if (canonical in renamed)
          throw new Error(`Task ${doc.task} sets input ${canonical} twice (once by alias)`);
        renamed[canonical] = value;
      }
      doc.inputs = renamed;
    }
  }
  for (const value of Object.values(doc)) renameAliases(value, table);
}

/**
 * Azure Pipelines reads every YAML scalar as a string (`batch: true`, `timeoutInMinutes: 30`), and
 * the schema says so: its booleans and numbers are string patterns. Task inputs are the exception:
 * the schema gives them JSON types. So scalars become strings, except inputs, which get their
 * declared type ('true' for a boolean input becomes true, 22 for a string input becomes '22').
 */
export function normalizeScalars(doc: unknown, inputTypes: InputTypeTable): unknown {
  const scalar = (v: unknown): unknown =>
    typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  if (Array.isArray(doc)) return doc.map((item) => normalizeScalars(item, inputTypes));
  if (!isObject(doc)) return scalar(doc);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'inputs' && typeof doc.task === 'string' && isObject(value)) {
      const types = inputTypes.get(doc.task.toLowerCase());
      out[key] = Object.fromEntries(
        Object.entries(value).map(([input, v]) => {
          const type = types?.get(input);
          if (type === 'boolean' && (v === 'true' || v === 'false')) return [input, v === 'true'];
          if (type === 'integer' && typeof v === 'string' && /^-?\d+$/.test(v))
            return [input, Number(v)];
          if (type === 'string') return [input, scalar(v)];
          return [input, v];
        }),
      );
    } else {
      out[key] = normalizeScalars(value, inputTypes);
    }
  }
  return out;
}

/**
 * Some tasks are in the schema's list of task names without an inputs definition (for instance
 * PublishCodeCoverageResults@2 in v1.261.1): every use of them would fail `anyOf`. They get a
 * variant that accepts the name with any inputs, so the rest of the step is still checked.
 */
export function addMissingTaskVariants(schema: JsonObject): string[] {
  const task = (schema.definitions as JsonObject).task as JsonObject;
  const names = (((task.properties as JsonObject).task as JsonObject).anyOf as JsonObject[])
    .flatMap((v) => (Array.isArray(v.enum) ? (v.enum as string[]) : []))
    .filter((n) => typeof n === 'string');
  const known = new Set(taskVariants(schema).map((v) => taskNameOf(v)?.toLowerCase()));
  const missing = [...new Set(names)].filter((n) => !known.has(n.toLowerCase()));
  for (const name of missing) {
    (task.anyOf as JsonObject[]).push({
      properties: {
        task: { pattern: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` },
        inputs: { type: 'object' },
      },
      required: ['task'],
    });
  }
  return missing;
}

export function kindOf(doc: unknown, isRootFile: boolean): PipelineFileKind {
  if (isRootFile) return 'pipeline';
  if (!isObject(doc)) throw new Error('A template must be a mapping');
  for (const kind of ['stages', 'jobs', 'steps', 'extends', 'variables'] as const)
    if (kind in doc) return kind;
  throw new Error(`Not a template: top-level keys are ${Object.keys(doc).join(', ') || 'none'}`);
}

function formatError(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})`
      : e.keyword === 'enum'
        ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
        : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

function pointer(doc: unknown, instancePath: string): unknown {
  let v = doc;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(v)) v = v[Number(key)];
    else if (isObject(v)) v = v[key];
    else return undefined;
  }
  return v;
}

/**
 * Ajv reports, for one task step, the complaint of each of the schema's 259 task variants. Keep
 * only the variant of the step's own task (or say the task is unknown), drop the anyOf/oneOf
 * summaries, and keep the deepest error on each branch of the document.
 */
function summarize(
  errors: readonly ErrorObject[],
  doc: unknown,
  variantNames: readonly string[],
): string[] {
  const relevant: ErrorObject[] = [];
  const unknownTasks = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    // the list of task names: an unknown name is reported once, below
    if (e.schemaPath.startsWith('#/definitions/task/properties/task/')) continue;
    const variant = /^#\/definitions\/task\/anyOf\/(\d+)\//.exec(e.schemaPath);
    if (!variant) {
      relevant.push(e);
      continue;
    }
    const stepPath = e.instancePath.replace(/\/(inputs|task)(\/.*)?$/, '');
    const task = (pointer(doc, stepPath) as JsonObject | undefined)?.task;
    if (typeof task !== 'string') continue;
    if (!variantNames.includes(task.toLowerCase()))
      unknownTasks.add(`${stepPath}/task unknown task ${task}`);
    else if (variantNames[Number(variant[1])] === task.toLowerCase()) relevant.push(e);
  }
  const leaves = relevant.filter(
    (e) => !relevant.some((o) => o.instancePath.startsWith(`${e.instancePath}/`)),
  );
  const lines = [...unknownTasks, ...(leaves.length > 0 ? leaves : relevant).map(formatError)];
  return [...new Set(lines)].slice(0, 20);
}

export interface PipelineValidator {
  /** The schema's path, for messages. */
  schemaPath: string;
  /** Tasks named by the schema without an inputs definition (accepted with any inputs). */
  tasksWithoutInputs: string[];
  /** Validates YAML text; `isRootFile` for azure-pipelines.yml, otherwise a template. */
  validateText(text: string, file: string, isRootFile: boolean): FileResult;
}

/** Compiles the official schema once (ajv: strict off, no unicode regexps, all errors). */
export function createValidator(schemaPath?: string): PipelineValidator {
  const resolved =
    schemaPath ??
    path.resolve(
      packageRootAbove(path.dirname(fileURLToPath(import.meta.url))) ?? process.cwd(),
      SCHEMA_RELATIVE_PATH,
    );
  if (!existsSync(resolved)) throw new Error(`Azure Pipelines schema not found at ${resolved}`);
  const schema = JSON.parse(readFileSync(resolved, 'utf8')) as JsonObject;
  const tasksWithoutInputs = addMissingTaskVariants(schema);
  const aliases = aliasTable(schema);
  const inputTypes = inputTypeTable(schema);
  const variantNames = taskVariants(schema).map((v) => taskNameOf(v)?.toLowerCase() ?? '');
  const id = typeof schema.$id === 'string' ? schema.$id : 'azure-pipelines';
  const ajv = new Ajv({
    strict: false,
    unicodeRegExp: false,
    allErrors: true,
    validateFormats: false,
  });
  ajv.addSchema(schema, id);
  const validators = new Map<PipelineFileKind, ValidateFunction>();
  const validatorFor = (kind: PipelineFileKind): ValidateFunction => {
    let v = validators.get(kind);
    if (!v) {
      const ref = kind === 'pipeline' ? id : `${id}#/definitions/${TEMPLATE_DEFINITIONS[kind]}`;
      v = ajv.getSchema(ref);
      if (!v) throw new Error(`Schema has no ${ref}`);
      validators.set(kind, v);
    }
    return v;
  };

  return {
    schemaPath: resolved,
    tasksWithoutInputs,
    validateText(text, file, isRootFile) {
      const parsed = parseDocument(text, { prettyErrors: true });
      if (parsed.errors.length > 0) {
        return {
          file,
          kind: isRootFile ? 'pipeline' : 'steps',
          errors: parsed.errors.map((e) => `YAML: ${e.message}`),
        };
      }
      const raw: unknown = parsed.toJS({ maxAliasCount: 100 });
      let kind: PipelineFileKind;
      let doc: unknown;
      try {
        kind = kindOf(raw, isRootFile);
        renameAliases(raw, aliases);
        doc = normalizeScalars(raw, inputTypes);
      } catch (err) {
        return { file, kind: isRootFile ? 'pipeline' : 'steps', errors: [(err as Error).message] };
      }
      const validate = validatorFor(kind);
      const ok = validate(doc);
      return { file, kind, errors: ok ? [] : summarize(validate.errors ?? [], doc, variantNames) };
    },
  };
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? yamlFiles(path.join(dir, d.name)) : [path.join(dir, d.name)],
    )
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Validates azure-pipelines.yml and every template under azure-pipelines/. */
export function validatePipeline(
  options: { root?: string; schemaPath?: string } = {},
): FileResult[] {
  const root =
    options.root ?? packageRootAbove(path.dirname(fileURLToPath(import.meta.url))) ?? process.cwd();
  const validator = createValidator(options.schemaPath ?? path.resolve(root, SCHEMA_RELATIVE_PATH));
  const rootFile = path.join(root, 'azure-pipelines.yml');
  const files = [rootFile, ...yamlFiles(path.join(root, 'azure-pipelines'))];
  return files.map((file) => {
    const rel = path.relative(root, file);
    if (!existsSync(file)) return { file: rel, kind: 'pipeline' as const, errors: ['missing'] };
    return validator.validateText(readFileSync(file, 'utf8'), rel, file === rootFile);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const results = validatePipeline();
    for (const r of results) {
      console.log(`${r.errors.length === 0 ? 'ok  ' : 'FAIL'} ${r.file} (${r.kind})`);
      for (const e of r.errors) console.log(`     ${e}`);
    }
    const failed = results.filter((r) => r.errors.length > 0).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    if (failed > 0) process.exitCode = 1;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
