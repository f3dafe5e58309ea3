#!/usr/bin/env node
// The product's CLI (`event-scoring <command>`, and every `npm run <command>`). In a checkout it
// first rebuilds dist/ with tsc, incrementally, but only when a source is newer than the last
// build; otherwise it goes straight to the compiled code, so a command starts in a fraction of a second.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// node:sqlite (the embedded store) is stable in use here but still flagged experimental by Node 22.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'ExperimentalWarning' && String(warning).startsWith('SQLite')) return;
  return emitWarning.call(process, warning, ...rest);
};

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, 'dist', '.tsbuildinfo');

function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['src', 'scripts']) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  return newest;
}

if (
  existsSync(join(root, 'src')) &&
  (!existsSync(stamp) || newestSource() > statSync(stamp).mtimeMs)
) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  process.stderr.write('event-scoring: sources changed, building (tsc, incremental)…\n');
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  // tsc leaves its build info alone when no output changed (a touched file): mark the check as done.
  if (existsSync(stamp)) utimesSync(stamp, new Date(), new Date());
}

const { runCli } = await import('../dist/src/cli.js');
process.exitCode = await runCli(process.argv.slice(2));
