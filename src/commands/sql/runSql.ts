import { parseArgs } from 'node:util';

import { parseSqlRequest } from '../../core/sql/sqlRequest.js';
import type { SqlEngine } from '../../ports/sql.js';
import { formatCsv, formatTable } from './formatResult.js';

export const USAGE = `usage: event-scoring sql "SELECT …" [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (npm run sql -- …)
  [--format table|csv|json] [--compact]
One read-only SELECT over the events view of the Parquet files (README, "SQL").
--compact first brings the files up to date with the store (npm start does it every 5 minutes).`;

export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export interface SqlIo {
  out(text: string): void;
  err(text: string): void;
  engine(): Promise<SqlEngine>;
  /** Runs one compaction; returns the days and rows it rewrote. */
  compact(): Promise<{ days: number; rows: number }>;
}

/** npm run sql: parses the arguments, runs the query, prints the result; returns the exit code. */
export async function runSql(argv: readonly string[], io: SqlIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string', default: 'table' },
        compact: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    io.err(`give the query as one argument, in quotes\n${USAGE}`);
    return EXIT.usage;
  }
  const format = values.format;
  if (format !== 'table' && format !== 'csv' && format !== 'json') {
    io.err(`--format must be table, csv or json, not ${JSON.stringify(format)}\n${USAGE}`);
    return EXIT.usage;
  }
  const request = parseSqlRequest({
    query: positionals[0],
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
  });
  if (!request.ok) {
    const first = request.errors[0]!;
    io.err(`${first.path === 'query' ? 'the query' : `--${first.path}`} ${first.message}`);
    return EXIT.usage;
  }
  if (values.compact) {
    const done = await io.compact();
    io.err(`compacted ${done.days} day(s), ${done.rows} row(s)`);
  }
  const answer = await (await io.engine()).run(request.value);
  if (!answer.ok) {
    io.err(`${answer.code}: ${answer.message}`);
    return EXIT.refused;
  }
  if (format === 'json') io.out(JSON.stringify({ columns: answer.columns, rows: answer.rows }));
  else if (format === 'csv') io.out(formatCsv(answer.columns, answer.rows));
  else io.out(formatTable(answer.columns, answer.rows));
  return EXIT.ok;
}
