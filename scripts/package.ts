import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { build } from 'esbuild';

import { packageRootAbove } from '../src/appRoot.js';
import { pageFilePaths } from '../src/core/pages/pageFiles.js';
import { createZip, type ZipEntry } from './zip.js';

/** Provided by the Functions Node.js worker at run time; never bundled nor shipped. */
export const HOST_PROVIDED = '@azure/functions-core';

/** Where app.zip goes, relative to the root; the staged folder (its content) is `<this>/app`. */
export const DEFAULT_OUT_DIR = 'dist/package';
/**
 * Packages always shipped in node_modules rather than bundled: DuckDB's native binding cannot be
 * bundled. Its platform packages are optional dependencies: only Linux x64 (glibc), what Flex
 * Consumption runs, is shipped, whatever machine builds the package.
 */
export const ALWAYS_EXTERNAL = ['@duckdb/node-api'] as const;
const TARGET_BINDING = '@duckdb/node-bindings-linux-x64';
const isOtherPlatformBinding = (name: string) =>
  name.startsWith('@duckdb/node-bindings-') && name !== TARGET_BINDING;

/** Path of the bundle inside the package, and the generated package.json's main. */
export const BUNDLE_PATH = 'dist/app.js';

export interface PackageOptions {
  /** Repository root; found from this file when omitted. */
  root?: string;
  /** Module to bundle; defaults to the repository package.json `main` (the tsc output). */
  entry?: string;
  /** Where app.zip and the staged folder go; defaults to <root>/dist/package. */
  outDir?: string;
  /** Packages kept out of the bundle and shipped in node_modules with their production dependencies. */
  external?: readonly string[];
  /**
   * Extra files or folders (relative to root) shipped as they are, when they exist. Default: the
   * models, and the pages' files (web/ and the few files they serve from installed packages).
   */
  include?: readonly string[];
  /**
   * Code splitting (default on): each dynamic import() becomes its own chunk, loaded when first
   * called, so the worker parses only what registration needs. Off: one file.
   */
  splitting?: boolean;
}

export interface PackageResult {
  zipPath: string;
  /** The staged folder, the zip's content unpacked (what the bench loads). */
  stageDir: string;
  bundlePath: string;
  zipBytes: number;
  /** The entry file alone (what is parsed before the functions are registered). */
  bundleBytes: number;
  /** The entry and every chunk. */
  totalBundleBytes: number;
  /** Chunk files beside the entry (0 without splitting). */
  chunks: number;
  /** Every file in the zip, sorted. */
  files: string[];
  /** Bytes per bundled package (node_modules name or 'app'), largest first. */
  inputs: { name: string; bytes: number }[];
}

/** Nearest folder at or above `from` holding a package.json (the repo, when run from dist/scripts). */
export function findRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  const root = packageRootAbove(from);
  if (root === undefined) throw new Error(`No package.json at or above ${from}`);
  return root;
}

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) out.push(...listFiles(full, base));
    else if (st.isFile()) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out;
}

/** Node's lookup: <dir>/node_modules/<name>, then each parent up to root. */
function resolvePackageDir(name: string, fromDir: string, root: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The installed folders of `names` and everything they depend on at run time. */
export function productionClosure(names: readonly string[], root: string): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    const dir = resolvePackageDir(name, fromDir, root);
    if (!dir) {
      if (optional) return;
      throw new Error(
        `Package ${name} (needed from ${path.relative(root, fromDir) || '.'}) is not installed`,
      );
    }
    if (found.has(dir)) return;
    found.add(dir);
    const pkg = readJson<PackageJson>(path.join(dir, 'package.json'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {}))
      if (!isOtherPlatformBinding(dep)) visit(dep, dir, dep !== TARGET_BINDING);
  };
  for (const name of names) visit(name, root, false);
  return [...found].sort();
}

/**
 * Bundles the Function App entry with esbuild into one ES module and writes the deployable zip:
 * the bundle, host.json, a package.json whose main is the bundle, the shipped models, and the
 * node_modules of any package kept external. `@azure/functions-core` stays external: the
 * worker provides it by intercepting `require`, which the bundle reaches through createRequire.
 */
export async function packageApp(options: PackageOptions = {}): Promise<PackageResult> {
  const root = options.root ?? findRoot();
  const rootPkg = readJson<PackageJson>(path.join(root, 'package.json'));
  const entry = path.resolve(root, options.entry ?? rootPkg.main ?? 'dist/src/azure.js');
  if (!existsSync(entry)) throw new Error(`Entry ${entry} does not exist: run npm run build first`);
  if (!existsSync(path.join(root, 'host.json'))) throw new Error(`No host.json in ${root}`);
  const outDir = path.resolve(root, options.outDir ?? DEFAULT_OUT_DIR);
  const stageDir = path.join(outDir, 'app');
  const external = [...new Set(options.external ?? [])];
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });

  const bundlePath = path.join(stageDir, BUNDLE_PATH);
  const bundleDir = path.dirname(bundlePath);
  const splitting = options.splitting ?? true;
  const result = await build({
    entryPoints: [entry],
    ...(splitting
      ? {
          splitting: true,
          outdir: bundleDir,
          entryNames: path.basename(BUNDLE_PATH, '.js'),
          chunkNames: 'chunks/[name]-[hash]',
        }
      : { outfile: bundlePath }),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    absWorkingDir: root,
    nodePaths: [path.join(root, 'node_modules')],
    external: [HOST_PROVIDED, ...ALWAYS_EXTERNAL, ...external],
    // CommonJS dependencies call require(); in an ES module it comes from createRequire, whose
    // require goes through Module.prototype.require, which the worker patches for functions-core.
    banner: {
      js: "import { createRequire as __pkgCreateRequire } from 'node:module'; const require = __pkgCreateRequire(import.meta.url);",
    },
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    for (const w of result.warnings) console.warn(`esbuild: ${w.text}`);
  }

  // The always-external packages the code imports (statically or not) are shipped too.
  const imported = new Set(
    Object.values(result.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    ),
  );
  for (const name of ALWAYS_EXTERNAL) if (imported.has(name)) external.push(name);

  const byPackage = new Map<string, number>();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1]! : 'app';
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytes);
  }

  const entries: ZipEntry[] = [];
  const add = (name: string, data: Uint8Array) => {
    entries.push({ name, data });
    const target = path.join(stageDir, name);
    if (!existsSync(target)) {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
  };
  let totalBundleBytes = 0;
  for (const file of listFiles(bundleDir)) {
    const data = readFileSync(path.join(bundleDir, file));
    totalBundleBytes += data.length;
    add(path.posix.join(path.dirname(BUNDLE_PATH), file), data);
  }
  add('host.json', readFileSync(path.join(root, 'host.json')));

  const dependencies: Record<string, string> = {};
  for (const dir of productionClosure(external, root)) {
    const rel = path.relative(root, dir).split(path.sep).join('/');
    for (const file of listFiles(dir)) {
      if (file.startsWith('node_modules/')) continue; // nested packages are visited on their own
      add(`${rel}/${file}`, readFileSync(path.join(dir, file)));
    }
  }
  for (const name of external) {
    const dir = resolvePackageDir(name, root, root)!;
    dependencies[name] = readJson<PackageJson>(path.join(dir, 'package.json')).version ?? '*';
  }

  for (const extra of options.include ?? ['models', ...pageFilePaths()]) {
    const full = path.join(root, extra);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) {
      for (const file of listFiles(full))
        add(`${extra}/${file}`, readFileSync(path.join(full, file)));
    } else {
      add(extra, readFileSync(full));
    }
  }

  const manifest = {
    name: rootPkg.name ?? 'app',
    version: rootPkg.version ?? '0.0.0',
    private: true,
    type: 'module',
    main: BUNDLE_PATH,
    ...(Object.keys(dependencies).length > 0 ? { dependencies } : {}),
  };
  add('package.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));

  const zip = createZip(entries);
  const zipPath = path.join(outDir, 'app.zip');
  writeFileSync(zipPath, zip);
  return {
    zipPath,
    stageDir,
    bundlePath,
    zipBytes: zip.length,
    bundleBytes: statSync(bundlePath).size,
    totalBundleBytes,
    chunks: listFiles(bundleDir).length - 1,
    files: entries.map((e) => e.name).sort(),
    inputs: [...byPackage]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * Settings shaped like the Function App's, pointing at loopback addresses only, so an entry that
 * reads its configuration at import time loads without reaching anything real.
 */
export const PLACEHOLDER_ENV: Record<string, string> = {
  ServiceBusConnection__fullyQualifiedNamespace: '127.0.0.1',
  ServiceBusConnection__credential: 'managedidentity',
  SERVICEBUS_QUEUE_NAME: 'events',
  COSMOS_ENDPOINT: 'https://127.0.0.1:8081/',
  MODEL_BLOB_ACCOUNT_URL: 'https://127.0.0.1:10000/',
  ARCHIVE_BLOB_ACCOUNT_URL: 'https://127.0.0.1:10000/',
  EVENT_FILES_BLOB_ACCOUNT_URL: 'https://127.0.0.1:10000/',
};

/** What the stand-in `@azure/functions-core` saw while an entry was imported. */
export interface LoadResult {
  /** Time spent in `await import(entry)`, in the child. */
  importMs: number;
  /** Child process start to exit, from the parent. */
  processMs: number;
  functions: { name: string; triggers: string[] }[];
}

/**
 * A CommonJS preload that answers `require('@azure/functions-core')` the way the worker does
 * (a Proxy on Module.prototype.require) and records every registered function.
 */
export const STAND_IN_CORE = `'use strict';
const Module = require('node:module');
const registered = [];
class Disposable {
  constructor(callback) { this.callback = callback; }
  static from(...items) { return new Disposable(() => items.forEach((d) => d.dispose())); }
  dispose() { if (this.callback) this.callback(); this.callback = undefined; }
}
let programmingModel;
const core = {
  version: '0.0.0-stand-in',
  hostVersion: '0.0.0-stand-in',
  Disposable,
  registerFunction(metadata) {
    const bindings = Object.values(metadata.bindings || {});
    registered.push({ name: metadata.name, triggers: bindings.filter((b) => /trigger$/i.test(b.type)).map((b) => b.type) });
    return new Disposable(() => undefined);
  },
  setProgrammingModel(model) { programmingModel = model; },
  getProgrammingModel() { return programmingModel; },
  registerHook() { return new Disposable(() => undefined); },
  log() {},
};
Module.prototype.require = new Proxy(Module.prototype.require, {
  apply(target, thisArg, args) {
    return args[0] === '@azure/functions-core' ? core : Reflect.apply(target, thisArg, args);
  },
});
globalThis.__standInRegistered = registered;
`;

const CHILD = `
const started = performance.now();
await import(process.env.STAND_IN_ENTRY_URL);
const importMs = performance.now() - started;
const { writeFileSync } = await import('node:fs');
writeFileSync(process.env.STAND_IN_RESULT, JSON.stringify({ importMs, functions: globalThis.__standInRegistered }));
process.exit(0);
`;

let standInFile: string | undefined;
function standInPath(): string {
  if (!standInFile || !existsSync(standInFile)) {
    const dir = mkdtempSync(path.join(tmpdir(), 'functions-core-'));
    standInFile = path.join(dir, 'functions-core-stand-in.cjs');
    writeFileSync(standInFile, STAND_IN_CORE);
  }
  return standInFile;
}

/**
 * Imports an entry in a fresh Node process, as the worker would, with the stand-in core.
 * Throws with the child's stderr when the import fails.
 */
export function loadFunctions(
  entryFile: string,
  options: { cwd?: string; env?: Record<string, string>; node?: string } = {},
): LoadResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'load-'));
  const resultFile = path.join(dir, 'result.json');
  try {
    const started = performance.now();
    const child = spawnSync(
      options.node ?? process.execPath,
      ['--require', standInPath(), '--input-type=module', '--eval', CHILD],
      {
        cwd: options.cwd ?? path.dirname(entryFile),
        env: {
          PATH: process.env.PATH ?? '',
          ...options.env,
          STAND_IN_ENTRY_URL: pathToFileURL(entryFile).href,
          STAND_IN_RESULT: resultFile,
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const processMs = performance.now() - started;
    if (child.status !== 0 || !existsSync(resultFile)) {
      throw new Error(
        `Importing ${entryFile} failed (exit ${child.status ?? child.signal}): ${child.stderr.slice(-2000)}`,
      );
    }
    const parsed = readJson<Omit<LoadResult, 'processMs'>>(resultFile);
    return { importMs: parsed.importMs, processMs, functions: parsed.functions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

async function main(argv: string[]): Promise<void> {
  const external = argv
    .filter((a) => a.startsWith('--external='))
    .map((a) => a.slice('--external='.length));
  const verify = !argv.includes('--no-verify');
  const result = await packageApp({ external });
  console.log(
    `Wrote ${result.zipPath} (${formatBytes(result.zipBytes)}, ${result.files.length} files)`,
  );
  console.log(
    `Bundle ${BUNDLE_PATH}: ${formatBytes(result.bundleBytes)} (+${result.chunks} lazily loaded chunks, ${formatBytes(result.totalBundleBytes)} in all); largest inputs:`,
  );
  for (const input of result.inputs.slice(0, 8))
    console.log(`  ${input.name} ${formatBytes(input.bytes)}`);
  if (verify) {
    // A Flex deployment succeeds even when the entry registers nothing: check it here first.
    const loaded = loadFunctions(result.bundlePath, { cwd: result.stageDir, env: PLACEHOLDER_ENV });
    if (loaded.functions.length === 0) throw new Error('The bundle registered no function');
    console.log(`Bundle registers: ${loaded.functions.map((f) => f.name).join(', ')}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
