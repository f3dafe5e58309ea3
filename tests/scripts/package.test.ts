import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { benchStartup, formatStartupBench } from '../../scripts/benchStartup.js';
import {
  BUNDLE_PATH,
  findRoot,
  loadFunctions,
  packageApp,
  type PackageResult,
  PLACEHOLDER_ENV,
} from '../../scripts/package.js';
import { createZip, readZip } from '../../scripts/zip.js';
import { loadPageCatalog } from '../../src/adapters/pages/loadPageCatalog.js';
import { pageFilePaths } from '../../src/core/pages/pageFiles.js';
import { CORE_FUNCTIONS } from '../support/coreFunctions.js';

const root = findRoot(path.dirname(new URL(import.meta.url).pathname));
const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function extract(zip: Buffer): string {
  const dir = tempDir('unzipped-');
  for (const e of readZip(zip)) {
    const file = path.join(dir, e.name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, e.data);
  }
  return dir;
}

/** Python's zipfile, an independent reader, when python3 is on the machine: [hex data, Unix mode]. */
function pythonRead(zipPath: string): Record<string, [string, number]> | undefined {
  const script =
    'import sys, zipfile, json\n' +
    'z = zipfile.ZipFile(sys.argv[1])\n' +
    'bad = z.testzip()\n' +
    'assert bad is None, bad\n' +
    'print(json.dumps({i.filename: [z.read(i).hex(), (i.external_attr >> 16) & 0o7777] for i in z.infolist()}))\n';
  const r = spawnSync('python3', ['-c', script, zipPath], { encoding: 'utf8' });
  if (r.error) return undefined;
  if (r.status !== 0) throw new Error(`python zipfile rejected ${zipPath}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, [string, number]>;
}

/** A stand-in for src/azure.ts: same library calls, two functions. */
const TEMP_ENTRY = `
import { app } from '@azure/functions';
import { z } from 'zod';
const Health = z.object({ ok: z.boolean() });
app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous',
  handler: async () => ({ jsonBody: Health.parse({ ok: true }) }) });
app.serviceBusQueue('scorer', { connection: 'ServiceBusConnection', queueName: '%SERVICEBUS_QUEUE_NAME%',
  cardinality: 'many', autoCompleteMessages: true, handler: async () => undefined });
`;

function tempEntry(source: string, siblings: Record<string, string> = {}): string {
  const dir = tempDir('entry-');
  for (const [name, text] of Object.entries(siblings)) writeFileSync(path.join(dir, name), text);
  // Lets the unbundled entry resolve packages the way dist/src/azure.js does in the repo.
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const file = path.join(dir, 'entry.mjs');
  writeFileSync(file, source);
  return file;
}

describe('zip', () => {
  it('round-trips deflated, stored, empty and nested entries', () => {
    const entries = [
      { name: 'host.json', data: Buffer.from('{"version":"2.0"}'.repeat(50)) },
      { name: 'dist/app.js', data: Buffer.from('export {};\n') },
      {
        name: 'random.bin',
        data: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 251)),
      },
      { name: 'empty.txt', data: new Uint8Array() },
      { name: 'bin/run.sh', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
    ];
    const zip = createZip(entries);
    const back = readZip(zip);
    expect(back.map((e) => e.name)).toEqual([...entries.map((e) => e.name)].sort());
    for (const e of entries) {
      const got = back.find((b) => b.name === e.name)!;
      expect(Buffer.from(got.data).equals(Buffer.from(e.data))).toBe(true);
    }
    expect(createZip(entries).equals(zip)).toBe(true);
  });

  it('is readable by an independent reader', () => {
    const dir = tempDir('zip-');
    const file = path.join(dir, 'x.zip');
    writeFileSync(
      file,
      createZip([
        { name: 'a/b.txt', data: Buffer.from('hello '.repeat(100)) },
        { name: 'bin/run.sh', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
      ]),
    );
    const read = pythonRead(file);
    if (read) {
      expect(Buffer.from(read['a/b.txt']![0], 'hex').toString()).toBe('hello '.repeat(100));
      expect(read['a/b.txt']![1]).toBe(0o644);
      expect(read['bin/run.sh']![1]).toBe(0o755);
    }
  });

  it('refuses unsafe or duplicate names and detects corruption', () => {
    const data = Buffer.from('x');
    expect(() => createZip([{ name: '../x', data }])).toThrow(/Invalid/);
    expect(() => createZip([{ name: '/etc/x', data }])).toThrow(/Invalid/);
    expect(() => createZip([{ name: 'a\\b', data }])).toThrow(/Invalid/);
    expect(() =>
      createZip([
        { name: 'a', data },
        { name: 'a', data },
      ]),
    ).toThrow(/Duplicate/);
    const zip = createZip([{ name: 'a.txt', data: Buffer.from('abcdefgh'.repeat(20)) }]);
    zip[40] = zip[40]! ^ 0xff; // inside the compressed body
    expect(() => readZip(zip)).toThrow();
  });
});

describe('packageApp', () => {
  let packaged: PackageResult;
  let entry: string;
  beforeAll(async () => {
    entry = tempEntry(TEMP_ENTRY);
    packaged = await packageApp({ root, entry, outDir: tempDir('pkg-') });
  });

  it('writes the bundle, host.json and a package.json whose main is the bundle', () => {
    expect(packaged.files).toEqual(
      expect.arrayContaining([BUNDLE_PATH, 'host.json', 'package.json']),
    );
    const entries = readZip(readFileSync(packaged.zipPath));
    const manifest = JSON.parse(
      Buffer.from(entries.find((e) => e.name === 'package.json')!.data).toString(),
    ) as { main: string; type: string; dependencies?: unknown };
    expect(manifest.main).toBe(BUNDLE_PATH);
    expect(manifest.type).toBe('module');
    expect(manifest.dependencies).toBeUndefined();
    const host = Buffer.from(entries.find((e) => e.name === 'host.json')!.data).toString();
    expect(host).toBe(readFileSync(path.join(root, 'host.json'), 'utf8'));
    expect(packaged.zipBytes).toBe(readFileSync(packaged.zipPath).length);
  });

  it("bundles dependencies but not @azure/functions-core, and ships no node_modules but the pages' files", () => {
    const pageFiles = new Set(pageFilePaths());
    expect(
      packaged.files.filter((f) => f.startsWith('node_modules/') && !pageFiles.has(f)),
    ).toEqual([]);
    const names = packaged.inputs.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['@azure/functions', 'zod']));
    expect(names).not.toContain('@azure/functions-core');
    expect(readFileSync(packaged.bundlePath, 'utf8')).toContain('@azure/functions-core');
  });

  it('registers its functions when the unzipped package is loaded alone', () => {
    const dir = extract(readFileSync(packaged.zipPath));
    const loaded = loadFunctions(path.join(dir, BUNDLE_PATH), { cwd: dir });
    expect(loaded.functions).toEqual([
      { name: 'health', triggers: ['httpTrigger'] },
      { name: 'scorer', triggers: ['serviceBusTrigger'] },
    ]);
  });

  it('reports an entry that registers nothing, and one that fails to load', () => {
    const empty = tempEntry("import '@azure/functions';\n");
    expect(loadFunctions(empty).functions).toEqual([]);
    const broken = tempEntry("import './missing.js';\n");
    expect(() => loadFunctions(broken)).toThrow(/failed/);
  });

  it('splits each dynamic import into a chunk the unzipped package still finds', async () => {
    const lazyEntry = tempEntry(
      `${TEMP_ENTRY}\nexport const later = () => import('./lazy.mjs');\n`,
      { 'lazy.mjs': `export const big = '${'x'.repeat(10000)}';\n` },
    );
    const split = await packageApp({ root, entry: lazyEntry, outDir: tempDir('pkg-split-') });
    expect(split.chunks).toBeGreaterThanOrEqual(1);
    expect(split.files.filter((f) => f.startsWith('dist/chunks/'))).toHaveLength(split.chunks);
    expect(split.totalBundleBytes).toBeGreaterThan(split.bundleBytes + 10000);
    const dir = extract(readFileSync(split.zipPath));
    const probe = path.join(dir, 'probe.mjs');
    writeFileSync(
      probe,
      "const { later } = await import('./dist/app.js'); const m = await later(); if (m.big.length !== 10000) process.exit(3);\n",
    );
    expect(loadFunctions(probe, { cwd: dir }).functions).toHaveLength(2);

    const single = await packageApp({
      root,
      entry: lazyEntry,
      outDir: tempDir('pkg-single-'),
      splitting: false,
    });
    expect(single.chunks).toBe(0);
    expect(single.files.some((f) => f.startsWith('dist/chunks/'))).toBe(false);
  });

  it('ships an external package with its production dependencies', async () => {
    const withZod = await packageApp({
      root,
      entry,
      outDir: tempDir('pkg-ext-'),
      external: ['zod'],
    });
    expect(withZod.files).toContain('node_modules/zod/package.json');
    expect(withZod.inputs.map((i) => i.name)).not.toContain('zod');
    const dir = extract(readFileSync(withZod.zipPath));
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies)).toEqual(['zod']);
    expect(loadFunctions(path.join(dir, BUNDLE_PATH), { cwd: dir }).functions).toHaveLength(2);
  });

  it('measures unbundled and bundled startup side by side', async () => {
    const bench = await benchStartup({ root, entry, runs: 2, packaged });
    expect(bench.unbundled.importMs.samples).toHaveLength(2);
    expect(bench.bundled.importMs.samples).toHaveLength(2);
    expect(bench.unbundled.functions).toEqual(['health', 'scorer']);
    expect(bench.bundled.functions).toEqual(['health', 'scorer']);
    expect(bench.bundled.processMs.median).toBeGreaterThan(bench.bundled.importMs.median);
    expect(formatStartupBench(bench)).toMatch(/unbundled .*\n.*bundled/);
  });
});

const appEntry = path.join(root, 'dist/src/azure.js');
describe('the real Function App package', () => {
  // npm test builds before vitest; a bare `vitest run` builds here rather than skipping.
  beforeAll(() => {
    if (existsSync(appEntry)) return;
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root });
    expect(built.status, built.stdout.toString()).toBe(0);
  });

  it('registers the functions of the table from the bundle', async () => {
    const packaged = await packageApp({ root, outDir: tempDir('pkg-app-') });
    const dir = extract(readFileSync(packaged.zipPath));
    const loaded = loadFunctions(path.join(dir, BUNDLE_PATH), { cwd: dir, env: PLACEHOLDER_ENV });
    expect(loaded.functions.map((f) => f.name).sort()).toEqual(
      expect.arrayContaining(CORE_FUNCTIONS),
    );
    // The pages find every file they serve in the unzipped package alone.
    const catalog = await loadPageCatalog(dir);
    const local = await loadPageCatalog(root);
    expect([...catalog.assets.keys()].sort()).toEqual([...local.assets.keys()].sort());
    expect(catalog.pages).toEqual(local.pages);
    expect(loaded.functions.find((f) => f.name === 'scorer')?.triggers).toEqual([
      'serviceBusTrigger',
    ]);
    expect(loaded.functions.find((f) => f.name === 'compaction')?.triggers).toEqual([
      'timerTrigger',
    ]);

    // DuckDB ships unbundled with the Linux x64 binding only, and loads from the package alone.
    expect(packaged.files).toContain('node_modules/@duckdb/node-bindings-linux-x64/duckdb.node');
    expect(packaged.files).toContain('node_modules/@duckdb/node-api/package.json');
    expect(
      new Set(
        packaged.files
          .filter((f) => f.startsWith('node_modules/@duckdb/node-bindings-'))
          .map((f) => f.split('/')[2]),
      ),
    ).toEqual(new Set(['node-bindings-linux-x64']));
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '--eval',
        "const { DuckDBInstance } = await import('@duckdb/node-api'); const c = await (await DuckDBInstance.create(':memory:')).connect(); console.log((await c.runAndReadAll('SELECT 40 + 2')).getRows()[0][0]);",
      ],
      { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(probe.stdout.trim(), probe.stderr).toBe('42');
  });
});
