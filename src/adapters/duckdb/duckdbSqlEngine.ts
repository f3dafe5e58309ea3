import { CacheBoundError } from '../../core/sql/cacheBoundError.js';
import { checkSelectTree } from '../../core/sql/checkSelectTree.js';
import { dayColumn, eventColumns } from '../../core/sql/eventColumns.js';
import type { EventFiles, OpenedFiles, SqlAnswer, SqlEngine, SqlRequest } from '../../ports/sql.js';
import { openDuckDb, sqlString } from './openDuckDb.js';

export interface SqlLimits {
  timeoutMs: number;
  memoryLimitMb: number;
  maxRows: number;
  threads: number;
}

const quote = (name: string) => `"${name}"`;
const viewColumns = eventColumns.map((c) => quote(c.name)).join(', ');
const emptyView = [...eventColumns, dayColumn]
  .map((c) => `CAST(NULL AS ${c.type}) AS ${quote(c.name)}`)
  .join(', ');

const refused = (status: 400 | 408, code: string, message: string): SqlAnswer => ({
  ok: false,
  status,
  code,
  message,
});

/** A DuckDB error as one answer: a time-out is 408, everything else the query's fault (400). */
function fromError(error: unknown, hide: string): SqlAnswer {
  const message = (error instanceof Error ? error.message : String(error))
    .replaceAll(hide, '<events>')
    .slice(0, 500);
  if (/interrupt/i.test(message))
    return refused(408, 'timeout', 'the query ran past the time bound');
  if (/out of memory/i.test(message))
    return refused(400, 'memory_limit', `the query needs more memory than allowed: ${message}`);
  return refused(400, 'query_failed', message);
}

/** JSON values of a row: BIGINTs DuckDB gives as text become numbers when they fit exactly. */
const toJsonRow = (row: unknown[], big: boolean[]) =>
  row.map((v, i) => {
    if (!big[i] || typeof v !== 'string') return v;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  });

/**
 * Runs one read-only SELECT over the `events` view. Each query gets a fresh in-memory DuckDB whose
 * view lists only the files of the asked days; then the sandbox closes: no file but those, no
 * network, no extension installed or loaded, configuration locked. The statement must be exactly
 * one SELECT (DuckDB's own statement type) whose parse tree names only `events` (checkSelectTree).
 * Bounds: an interrupt after `timeoutMs`, DuckDB's memory_limit and threads, and at most `maxRows`.
 */
export function createDuckDbSqlEngine(files: EventFiles, limits: SqlLimits): SqlEngine {
  return {
    async run(request: SqlRequest): Promise<SqlAnswer> {
      let opened: OpenedFiles;
      try {
        opened = await files.open({ from: request.from, to: request.to });
      } catch (error) {
        if (error instanceof CacheBoundError) return refused(400, 'cache_bound', error.message);
        throw error;
      }
      const db = await openDuckDb({
        memory_limit: `${limits.memoryLimitMb}MB`,
        threads: String(limits.threads),
        max_temp_directory_size: '0KiB',
      });
      const { connection } = db;
      try {
        const list = `[${opened.files.map((f) => sqlString(f.path)).join(', ')}]`;
        await connection.run(
          opened.files.length === 0
            ? `CREATE VIEW events AS SELECT ${emptyView} WHERE false`
            : `CREATE VIEW events AS SELECT ${viewColumns}, "day" FROM read_parquet(${list}, hive_partitioning = true, hive_types = {'day': DATE})`,
        );
        if (opened.files.length > 0) await connection.run(`SET allowed_paths = ${list}`);
        await connection.run('SET enable_external_access = false');
        await connection.run('SET lock_configuration = true');

        const extracted = await connection.extractStatements(request.query);
        if (extracted.count !== 1)
          return refused(400, 'multiple_statements', 'exactly one statement is allowed');
        const serialized = await connection.runAndReadAll(
          'SELECT json_serialize_sql($1::VARCHAR)',
          [request.query],
        );
        const check = checkSelectTree(String(serialized.getRows()[0]?.[0] ?? ''));
        if (!check.ok) return refused(400, check.code, check.message);

        const { StatementType } = await import('@duckdb/node-api');
        const prepared = await extracted.prepare(0);
        if (prepared.statementType !== StatementType.SELECT)
          return refused(400, 'not_select', 'only a SELECT statement is allowed');

        const timer = setTimeout(() => connection.interrupt(), limits.timeoutMs);
        try {
          const reader = await prepared.streamAndReadUntil(limits.maxRows + 1);
          if (reader.currentRowCount > limits.maxRows)
            return refused(
              400,
              'too_many_rows',
              `the result has more than ${limits.maxRows} rows: add a LIMIT or aggregate`,
            );
          const types = reader.columnTypes().map(String);
          const big = types.map(
            (t) => /INT|DECIMAL/.test(t) && !/^(INTEGER|SMALLINT|TINYINT)$/.test(t),
          );
          return {
            ok: true,
            columns: reader.columnNames().map((name, i) => ({ name, type: types[i]! })),
            rows: reader.getRowsJson().map((row) => toJsonRow(row as unknown[], big)),
          };
        } catch (error) {
          return fromError(error, opened.root);
        } finally {
          clearTimeout(timer);
        }
      } catch (error) {
        return fromError(error, opened.root);
      } finally {
        db.close();
        opened.release();
      }
    },
    async close() {},
  };
}
