import { appRoot } from './appRoot.js';
import type { CommandIo } from './commands/commandIo.js';

/** A subcommand: what `--help` lists, and its module, imported only when it runs (startup stays fast). */
interface Subcommand {
  summary: string;
  run: () => Promise<(args: readonly string[], io: CommandIo) => Promise<number>>;
}

/** The product's commands, in the order `--help` lists them; each lives in src/commands/<name>/. */
export const subcommands: Readonly<Record<string, Subcommand>> = {
  start: {
    summary: 'run the API and the scorer locally (npm start)',
    run: async () => (await import('./commands/start/startCommand.js')).startCommand,
  },
  keys: {
    summary: 'create, list, rotate and revoke API keys',
    run: async () => (await import('./commands/keys/keysCommand.js')).keysCommand,
  },
  import: {
    summary: 'send CSV/NDJSON files to the API, resumable',
    run: async () => (await import('./commands/import/importCommand.js')).importCommand,
  },
  replay: {
    summary: 'replay poisoned messages, the raw archive or dead letters; re-score',
    run: async () => (await import('./commands/replay/replayCommand.js')).replayCommand,
  },
  'rebuild-days': {
    summary: 'recompute every rollup in a new TIMEZONE, resumable',
    run: async () =>
      (await import('./commands/rebuildDays/rebuildDaysCommand.js')).rebuildDaysCommand,
  },
  sql: {
    summary: 'one read-only SELECT over the events view of the Parquet files',
    run: async () => (await import('./commands/sql/sqlCommand.js')).sqlCommand,
  },
  export: {
    summary: 'write everything stored about a person to an NDJSON file',
    run: async () => (await import('./commands/export/exportCommand.js')).exportCommand,
  },
  delete: {
    summary: 'delete persons everywhere, from a file of ids (GDPR/CCPA erasure)',
    run: async () => (await import('./commands/delete/deleteCommand.js')).deleteCommand,
  },
  backup: {
    summary: 'back the store up to a folder or Blob (Avro + manifest)',
    run: async () => (await import('./commands/backup/backupCommand.js')).backupCommand,
  },
  restore: {
    summary: 'restore a backup into an empty store',
    run: async () => (await import('./commands/restore/restoreCommand.js')).restoreCommand,
  },
};

export const CLI_USAGE = `usage: event-scoring <command> [options]   (or npm run <command> -- [options])

commands:
${Object.entries(subcommands)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

event-scoring <command> --help shows a command's options. Settings come from the environment
(README, "Configuration"); the embedded store under DATA_DIR unless STORE_BACKEND says otherwise.`;

/** Dispatches argv to a subcommand with the process's I/O; resolves with the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CommandIo = processIo(),
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(CLI_USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (!command) {
    io.err(`unknown command ${JSON.stringify(name)}\n${CLI_USAGE}`);
    return 2;
  }
  return (await command.run())(args, io);
}

/** The process's streams, environment and Ctrl+C (a second Ctrl+C quits at once). */
export function processIo(): CommandIo {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', () => controller.abort());
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
    baseDir: appRoot(),
    tty: process.stderr.isTTY === true,
    signal: controller.signal,
  };
}
