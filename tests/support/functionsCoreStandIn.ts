import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A CommonJS preload that plays the Azure Functions Node.js worker's part at load time. The worker
 * makes `@azure/functions-core` exist by wrapping `Module.prototype.require` in a Proxy that answers
 * that one name (azure-functions-nodejs-worker, src/setupCoreModule.ts), then imports the app's
 * entry with `import()` (src/loadScriptFile.ts). @azure/functions requires the core module lazily,
 * on the first registration; finding it, it leaves test mode and hands every function to
 * `registerFunction(metadata, callback)`. The stand-in records those calls, and, through a
 * resolve hook that only observes, every module the process resolves.
 */
const STAND_IN = `'use strict';
const Module = require('node:module');
const resolved = new Set();
Module.registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.add(result.url);
    return result;
  },
});
class Disposable {
  constructor(callback) { this.callback = callback; }
  static from(...items) { return new Disposable(() => items.forEach((d) => d.dispose())); }
  dispose() { if (this.callback) this.callback(); this.callback = undefined; }
}
const registrations = [];
const logs = [];
let programmingModel;
const coreApi = {
  version: '0.0.0-stand-in',
  hostVersion: '0.0.0-stand-in',
  Disposable,
  registerHook: () => new Disposable(() => undefined),
  setProgrammingModel: (model) => { programmingModel = model; },
  getProgrammingModel: () => programmingModel,
  registerFunction: (metadata, callback) => {
    registrations.push({ metadata, callback });
    return new Disposable(() => undefined);
  },
  log: (level, category, message) => { logs.push({ level, category, message }); },
};
let coreRequests = 0;
Module.prototype.require = new Proxy(Module.prototype.require, {
  apply(target, thisArg, args) {
    if (args[0] === '@azure/functions-core') { coreRequests++; return coreApi; }
    return Reflect.apply(target, thisArg, args);
  },
});
globalThis.__functionsCoreStandIn = {
  registrations, logs, resolved,
  programmingModel: () => programmingModel,
  coreRequests: () => coreRequests,
};
`;

/** Imports the entry as the worker does, then reports, optionally invoking one HTTP function. */
const RUNNER = `
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Module from 'node:module';
const standIn = globalThis.__functionsCoreStandIn;
const out = { loaded: true };
const started = performance.now();
try {
  await import(process.env.STAND_IN_ENTRY_URL);
} catch (err) {
  out.loaded = false;
  out.error = err instanceof Error ? err.message : String(err);
}
out.importMs = performance.now() - started;
out.registrations = standIn.registrations.map((r) => r.metadata);
const model = standIn.programmingModel();
out.programmingModel = model ? { name: model.name, version: model.version } : undefined;
out.coreRequests = standIn.coreRequests();
out.logs = standIn.logs;
if (process.env.STAND_IN_ALSO_IMPORT) await import(process.env.STAND_IN_ALSO_IMPORT);
out.modules = [...standIn.resolved, ...Object.keys(Module._cache).map((f) => 'file://' + f)];
const invoke = process.env.STAND_IN_INVOKE && JSON.parse(process.env.STAND_IN_INVOKE);
if (invoke) {
  const reg = standIn.registrations.find((r) => r.metadata.name === invoke.name);
  const [triggerName] = Object.entries(reg.metadata.bindings).find(([, b]) => /trigger$/i.test(b.type));
  const coreCtx = {
    invocationId: randomUUID(),
    metadata: reg.metadata,
    request: {
      inputData: [{ name: triggerName, data: { http: { method: invoke.method, url: invoke.url, headers: {}, query: {}, params: {} } } }],
      triggerMetadata: {},
    },
    log: () => undefined,
    state: undefined,
  };
  const invocation = model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocation.getArguments();
  const t0 = performance.now();
  const result = await invocation.invokeFunction(context, inputs, reg.callback);
  const ms = performance.now() - t0;
  const response = await invocation.getResponse(context, result);
  const http = response.returnValue.http;
  out.invocation = { ms, statusCode: Number(http.statusCode), body: Buffer.from(http.body.bytes).toString('utf8') };
}
writeFileSync(process.env.STAND_IN_RESULT, JSON.stringify(out));
process.exit(0);
`;

/** One `registerFunction` call as the host receives it (the metadata; the callback stays behind). */
export interface RegisteredFunction {
  name: string;
  bindings: Record<string, Record<string, unknown> & { type: string; direction: 'in' | 'out' }>;
  retryOptions?: unknown;
}

export interface HostLoad {
  /** False when importing the entry threw; `error` is its message. */
  loaded: boolean;
  error?: string;
  importMs: number;
  registrations: RegisteredFunction[];
  programmingModel?: { name: string; version: string };
  /** How many times `require('@azure/functions-core')` was answered. */
  coreRequests: number;
  logs: { level: string; category: string; message: string }[];
  /** file: URLs of every module the process resolved or required. */
  modules: string[];
  invocation?: { ms: number; statusCode: number; body: string };
}

export interface HostLoadOptions {
  /** The whole environment of the child besides PATH: nothing else leaks in from the test's. */
  env?: Record<string, string>;
  /** A specifier imported after the entry (to show the module check can see a load). */
  alsoImport?: string;
  /** Invoke this HTTP function once, as the worker would, after the load. */
  invoke?: { name: string; method: string; url: string };
  cwd?: string;
  timeoutMs?: number;
}

/** Node 22 from node_modules (the system node may be older), else the running one. */
export function node22(root: string): string {
  const local = path.join(root, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

/**
 * Loads `entry` in a fresh Node process with the stand-in `@azure/functions-core`, the way the
 * Functions worker loads package.json `main`, and returns what the host would have received.
 */
export function loadEntryAsHost(
  root: string,
  entry: string,
  options: HostLoadOptions = {},
): HostLoad {
  const dir = mkdtempSync(path.join(tmpdir(), 'functions-core-stand-in-'));
  try {
    const preload = path.join(dir, 'functionsCoreStandIn.cjs');
    const result = path.join(dir, 'result.json');
    writeFileSync(preload, STAND_IN);
    const child = spawnSync(
      node22(root),
      ['--no-warnings', '--require', preload, '--input-type=module', '--eval', RUNNER],
      {
        cwd: options.cwd ?? root,
        env: {
          PATH: process.env.PATH ?? '',
          ...options.env,
          STAND_IN_ENTRY_URL: pathToFileURL(path.resolve(root, entry)).href,
          STAND_IN_RESULT: result,
          ...(options.alsoImport ? { STAND_IN_ALSO_IMPORT: options.alsoImport } : {}),
          ...(options.invoke ? { STAND_IN_INVOKE: JSON.stringify(options.invoke) } : {}),
        },
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 30_000,
      },
    );
    if (child.status !== 0 || !existsSync(result)) {
      throw new Error(
        `The host stand-in failed (exit ${child.status ?? child.signal}): ${child.stderr.slice(-3000)}`,
      );
    }
    return JSON.parse(readFileSync(result, 'utf8')) as HostLoad;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether any module of npm package `pkg` was loaded. */
export function loadedPackage(load: HostLoad, pkg: string): boolean {
  return load.modules.some((m) => m.includes(`/node_modules/${pkg}/`));
}
