import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { appRoot } from '../src/appRoot.js';
import { CLI_USAGE, runCli, subcommands } from '../src/cli.js';
import type { CommandIo } from '../src/commands/commandIo.js';

const run = promisify(execFile);

function capture(env: Record<string, string> = {}) {
  const lines = { out: [] as string[], err: [] as string[] };
  const io: CommandIo = {
    out: (l) => lines.out.push(l),
    err: (l) => lines.err.push(l),
    env,
    baseDir: appRoot(),
    tty: false,
    signal: new AbortController().signal,
  };
  return { io, lines };
}

describe('runCli', () => {
  it('lists every subcommand with --help and exits 0; with no command it exits 2', async () => {
    const help = capture();
    expect(await runCli(['--help'], help.io)).toBe(0);
    for (const name of Object.keys(subcommands)) expect(help.lines.out.join('\n')).toContain(name);
    const none = capture();
    expect(await runCli([], none.io)).toBe(2);
    expect(none.lines.out.join('\n')).toBe(CLI_USAGE);
  });

  it('refuses an unknown command, naming it, without loading any command module', async () => {
    const { io, lines } = capture();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(lines.err[0]).toMatch(/^unknown command "frobnicate"/);
    const proto = capture();
    expect(await runCli(['__proto__'], proto.io)).toBe(2);
    expect(await runCli(['constructor'], proto.io)).toBe(2);
  });

  it.each(Object.keys(subcommands))('%s --help prints its usage and exits 0', async (name) => {
    const { io, lines } = capture();
    expect(await runCli([name, '--help'], io)).toBe(0);
    expect(lines.out.join('\n')).toMatch(/usage: event-scoring /);
    expect(lines.err).toEqual([]);
  });
});

// The bin as npm runs it, in its own process: dist/ is current (npm test builds first), so it
// goes straight to the compiled CLI.
describe('bin/event-scoring.js', () => {
  it('runs keys list on a fresh embedded store without a warning on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-bin-'));
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['bin/event-scoring.js', 'keys', 'list'],
        {
          cwd: appRoot(),
          env: { ...process.env, DATA_DIR: dir },
        },
      );
      expect(stdout).toMatch(/^No keys in the embedded store/);
      // A checkout with sources newer than dist/ says it rebuilds first; nothing else is printed.
      expect(stderr.replace(/^event-scoring: sources changed.*\n/m, '')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
