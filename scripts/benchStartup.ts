import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  findRoot,
  loadFunctions,
  packageApp,
  type PackageResult,
  PLACEHOLDER_ENV,
} from './package.js';

export { PLACEHOLDER_ENV };

export interface Timing {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export interface StartupVariant {
  entry: string;
  /** `await import(entry)` inside the child. */
  importMs: Timing;
  /** Whole child process, spawn to exit (Node's own start included). */
  processMs: Timing;
  functions: string[];
}

export interface StartupBench {
  runs: number;
  unbundled: StartupVariant;
  bundled: StartupVariant;
  zipBytes: number;
  /** The bundle's entry file. */
  bundleBytes: number;
  /** Entry plus lazily loaded chunks. */
  totalBundleBytes: number;
  chunks: number;
}

export interface StartupBenchOptions {
  root?: string;
  /** Fresh processes per variant (alternated, so drift hits both alike). */
  runs?: number;
  /** Unbundled entry; defaults to package.json main (dist/src/azure.js). */
  entry?: string;
  /** Settings given to the child; defaults to placeholder Azure-profile settings on loopback. */
  env?: Record<string, string>;
  /** A package already built; otherwise one is built from `entry`. */
  packaged?: PackageResult;
}

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

/**
 * Measures, in one run, how long the Function App entry takes to import unbundled (tsc output
 * resolving node_modules) and bundled (the esbuild output in the deployable package), each in
 * fresh Node processes with a stand-in `@azure/functions-core`, and reports the zip size.
 */
export async function benchStartup(options: StartupBenchOptions = {}): Promise<StartupBench> {
  const root = options.root ?? findRoot();
  const runs = Math.max(1, options.runs ?? 7);
  const entry = path.resolve(root, options.entry ?? 'dist/src/azure.js');
  if (!existsSync(entry)) throw new Error(`Entry ${entry} does not exist: run npm run build first`);
  const packaged = options.packaged ?? (await packageApp({ root, entry }));
  const env = options.env ?? PLACEHOLDER_ENV;

  const samples = {
    unbundled: { importMs: [] as number[], processMs: [] as number[], functions: [] as string[] },
    bundled: { importMs: [] as number[], processMs: [] as number[], functions: [] as string[] },
  };
  const variants = [
    { key: 'unbundled' as const, file: entry, cwd: root },
    { key: 'bundled' as const, file: packaged.bundlePath, cwd: packaged.stageDir },
  ];
  // One warm-up each, so the first measured run does not pay for a cold file cache alone.
  for (const v of variants) loadFunctions(v.file, { cwd: v.cwd, env });
  for (let i = 0; i < runs; i++) {
    for (const v of i % 2 ? [...variants].reverse() : variants) {
      const r = loadFunctions(v.file, { cwd: v.cwd, env });
      samples[v.key].importMs.push(r.importMs);
      samples[v.key].processMs.push(r.processMs);
      samples[v.key].functions = r.functions.map((f) => f.name).sort();
    }
  }
  const variant = (key: 'unbundled' | 'bundled', file: string): StartupVariant => ({
    entry: path.relative(root, file),
    importMs: timing(samples[key].importMs),
    processMs: timing(samples[key].processMs),
    functions: samples[key].functions,
  });
  return {
    runs,
    unbundled: variant('unbundled', entry),
    bundled: variant('bundled', packaged.bundlePath),
    zipBytes: packaged.zipBytes,
    bundleBytes: packaged.bundleBytes,
    totalBundleBytes: packaged.totalBundleBytes,
    chunks: packaged.chunks,
  };
}

/** A small table for the console and docs. */
export function formatStartupBench(b: StartupBench): string {
  const ms = (t: Timing) => `${t.median.toFixed(0)} ms (${t.min.toFixed(0)}-${t.max.toFixed(0)})`;
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  return [
    `Startup, median of ${b.runs} fresh processes each (min-max):`,
    `  unbundled ${b.unbundled.entry}: import ${ms(b.unbundled.importMs)}, process ${ms(b.unbundled.processMs)}, ${b.unbundled.functions.length} functions`,
    `  bundled   ${b.bundled.entry}: import ${ms(b.bundled.importMs)}, process ${ms(b.bundled.processMs)}, ${b.bundled.functions.length} functions`,
    `  bundle entry ${mib(b.bundleBytes)} (+${b.chunks} chunks loaded on first use, ${mib(b.totalBundleBytes)} in all), zip ${mib(b.zipBytes)}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const runsArg = process.argv.find((a) => a.startsWith('--runs='));
  benchStartup(runsArg ? { runs: Number(runsArg.slice('--runs='.length)) } : {})
    .then((b) => console.log(formatStartupBench(b)))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
