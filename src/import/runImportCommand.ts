import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { parseMapOption } from '../core/import/columnMapping.js';
import { createDryRunSender } from './createDryRunSender.js';
import { createHttpSender } from './createHttpSender.js';
import { createProgressReporter } from './createProgressReporter.js';
import { type FileSummary, importFile, type RejectedRow } from './importFile.js';
import { FileError } from './sourceRow.js';

export const USAGE = `usage: npm run import -- <file>… [--url http://localhost:7071] [--key KEY]
  [--format csv|ndjson] [--map col=field,…] [--batch 500] [--concurrency 4] [--retries 10]
  [--dry-run] [--errors rejected.ndjson] [--state .import-state] [--restart] [--progress-seconds 5]`;

/** Exit codes: every row delivered, some rejected, a usage or file error, rows not delivered, Ctrl+C. */
export const EXIT = { ok: 0, rejected: 1, usage: 2, notDelivered: 3, interrupted: 130 } as const;

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  tty: boolean;
  signal: AbortSignal;
}

function intOption(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new FileError(
      `--${option} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** npm run import: parses the options, imports each file in turn, prints a summary, returns the exit code. */
export async function runImportCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const summaries: FileSummary[] = [];
  let errorsPath: string | undefined;
  let dryRun = false;
  const examples: RejectedRow[] = [];
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string', default: 'http://localhost:7071' },
        key: { type: 'string' },
        format: { type: 'string' },
        map: { type: 'string' },
        batch: { type: 'string', default: '500' },
        concurrency: { type: 'string', default: '4' },
        retries: { type: 'string', default: '10' },
        'dry-run': { type: 'boolean', default: false },
        errors: { type: 'string' },
        state: { type: 'string', default: '.import-state' },
        restart: { type: 'boolean', default: false },
        'progress-seconds': { type: 'string', default: '5' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new FileError('no file given');
    if (values.format !== undefined && values.format !== 'csv' && values.format !== 'ndjson') {
      throw new FileError(`--format must be csv or ndjson, not ${JSON.stringify(values.format)}`);
    }
    const map = parseMapOption(values.map);
    if (!map.ok) throw new FileError(map.message);
    try {
      new URL(values.url);
    } catch {
      throw new FileError(`--url must be a URL, not ${JSON.stringify(values.url)}`);
    }
    const batch = intOption(values.batch, 'batch', 1, 1000);
    const concurrency = intOption(values.concurrency, 'concurrency', 1, 64);
    const retries = intOption(values.retries, 'retries', 0, 1000);
    const progressMs = intOption(values['progress-seconds'], 'progress-seconds', 1, 3600) * 1000;
    dryRun = values['dry-run'];
    const send = dryRun
      ? createDryRunSender()
      : createHttpSender({ url: values.url, ...(values.key ? { key: values.key } : {}) });
    errorsPath = values.errors;
    // Appended to, so a resumed run adds only the rows it had not reported; --restart starts it afresh.
    const reject = (rows: RejectedRow[]) => {
      for (const row of rows) if (examples.length < 5) examples.push(row);
      if (errorsPath === undefined) return;
      const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
      appendFileSync(errorsPath, text);
    };
    if (errorsPath !== undefined && (values.restart || dryRun)) writeFileSync(errorsPath, '');

    for (const file of positionals) {
      const reporter = createProgressReporter({
        tty: io.tty,
        intervalMs: progressMs,
        write: (line) => io.err(line),
      });
      try {
        const summary = await importFile({
          file,
          ...(values.format ? { format: values.format } : {}),
          map: map.map,
          batch,
          concurrency,
          retries,
          send,
          ...(dryRun ? {} : { stateDir: values.state }),
          restart: values.restart,
          reject,
          signal: io.signal,
          onStart: (progress) => reporter.start(progress),
        });
        summaries.push(summary);
        if (summary.stopped !== undefined) break;
      } finally {
        reporter.stop();
      }
    }
  } catch (err) {
    if (!isUserError(err)) throw err;
    io.err(`import: ${(err as Error).message}`);
    if (summaries.length === 0) io.err(USAGE);
    printSummary(summaries, examples, errorsPath, io, dryRun);
    return EXIT.usage;
  }
  printSummary(summaries, examples, errorsPath, io, dryRun);
  const stopped = summaries.find((s) => s.stopped !== undefined);
  if (stopped) return stopped.stopped === 'interrupted' ? EXIT.interrupted : EXIT.notDelivered;
  return summaries.some((s) => s.rejected > 0) ? EXIT.rejected : EXIT.ok;
}

/** Bad options, an unreadable file, a header that cannot be mapped: said plainly, no stack. */
function isUserError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    err instanceof FileError ||
    (typeof code === 'string' && (code.startsWith('ERR_PARSE_ARGS') || /^E[A-Z]+$/.test(code)))
  );
}

function printSummary(
  summaries: FileSummary[],
  examples: RejectedRow[],
  errorsPath: string | undefined,
  io: CommandIo,
  dryRun: boolean,
): void {
  for (const s of summaries) {
    const parts = [
      `${s.file}: ${s.rows} rows`,
      `${s.delivered} ${dryRun ? 'valid' : 'delivered'}`,
      `${s.rejected} rejected`,
      `${s.duplicates} duplicates in a batch`,
    ];
    if (s.alreadyComplete) parts.push('already imported (--restart sends it again)');
    if (s.resumedFrom > 0 && !s.alreadyComplete) parts.push(`resumed after row ${s.resumedFrom}`);
    io.out(parts.join(', '));
    if (s.stopped !== undefined) {
      io.out(
        `  stopped: ${s.stopped}; ${s.notDelivered} rows read but not acknowledged and the rest of the file not sent. Run the same command again to resume${s.statePath ? ` (position in ${s.statePath})` : ''}.`,
      );
    }
  }
  for (const row of examples) {
    const errors = row.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    io.out(`  rejected ${row.file}:${row.line}: ${errors}`);
  }
  const rejected = summaries.reduce((n, s) => n + s.rejected, 0);
  if (rejected > examples.length) {
    io.out(
      errorsPath
        ? `  every rejected row is in ${errorsPath}`
        : `  … ${rejected - examples.length} more; --errors <file> keeps them all`,
    );
  }
}
