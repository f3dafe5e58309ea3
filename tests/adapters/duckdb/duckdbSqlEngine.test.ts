import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDuckDbParquetWriter } from '../../../src/adapters/duckdb/duckdbParquetWriter.js';
import {
  createDuckDbSqlEngine,
  type SqlLimits,
} from '../../../src/adapters/duckdb/duckdbSqlEngine.js';
import { createFolderEventFiles } from '../../../src/adapters/eventFiles/folderEventFiles.js';
import type { ScoredEvent } from '../../../src/core/event.js';
import type { EventFiles } from '../../../src/ports/sql.js';
import { scoredEvent } from '../storeContract.js';

let dir: string;
let outside: string;
let files: EventFiles;
const limits: SqlLimits = { timeoutMs: 10_000, memoryLimitMb: 256, maxRows: 1000, threads: 1 };

async function* docsOf(docs: ScoredEvent[]) {
  yield* docs;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sql-engine-'));
  outside = await mkdtemp(join(tmpdir(), 'sql-outside-'));
  files = await createFolderEventFiles(join(dir, 'events'));
  const writer = await createDuckDbParquetWriter();
  for (const day of ['2026-03-10', '2026-03-11', '2026-03-12']) {
    const path = join(files.scratchDir, `${day}.parquet`);
    await writer.write(
      docsOf([
        scoredEvent('u1', `${day}T10:00:00.000Z`),
        scoredEvent('u2', `${day}T11:00:00.000Z`),
      ]),
      path,
    );
    await files.replaceDay(day, path);
  }
  // A Parquet file and a text file outside the event files: no query may read them.
  const secret = join(outside, 'secret.parquet');
  await writer.write(docsOf([scoredEvent('secret-user', '2026-03-10T10:00:00.000Z')]), secret);
  await writer.close();
  await writeFile(join(outside, 'secret.csv'), 'a,b\n1,2\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const run = (query: string, extra: Partial<SqlLimits> = {}, range = {}) =>
  createDuckDbSqlEngine(files, { ...limits, ...extra }).run({ query, ...range });

describe('the DuckDB SQL engine', () => {
  it('answers a SELECT over events with typed columns', async () => {
    const answer = await run(
      'SELECT CAST(day AS VARCHAR) AS day, count(*) AS n FROM events GROUP BY day ORDER BY day',
    );
    expect(answer).toEqual({
      ok: true,
      columns: [
        { name: 'day', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ],
      rows: [
        ['2026-03-10', 2],
        ['2026-03-11', 2],
        ['2026-03-12', 2],
      ],
    });
  });

  it('reads only the days from/to name (partition pruning by file list)', async () => {
    const answer = await run(
      'SELECT count(*) FROM events',
      {},
      { from: '2026-03-11', to: '2026-03-11' },
    );
    expect(answer.ok && answer.rows).toEqual([[2]]);
    const none = await run('SELECT count(*) FROM events', {}, { from: '2027-01-01' });
    expect(none.ok && none.rows).toEqual([[0]]);
  });

  it('accepts CTEs, subqueries and the row generators', async () => {
    const answer = await run(
      `WITH days AS (SELECT DISTINCT day FROM events), n AS (SELECT range AS i FROM range(3))
       SELECT count(*) FROM days, n WHERE i IN (SELECT unnest([0, 1]))`,
    );
    expect(answer.ok && answer.rows).toEqual([[6]]);
  });

  const secretParquet = () => join(outside, 'secret.parquet');
  const secretCsv = () => join(outside, 'secret.csv');
  const escapes: [string, () => string][] = [
    ['two statements', () => 'SELECT 1; SELECT 2'],
    ['a statement after a comment', () => 'SELECT 1; -- x\nDROP VIEW events'],
    ['ATTACH', () => `ATTACH '${join(outside, 'x.db')}' AS x`],
    ['DETACH', () => 'DETACH memory'],
    ['COPY out', () => `COPY (SELECT * FROM events) TO '${join(outside, 'out.csv')}'`],
    ['COPY in', () => `COPY events FROM '${secretCsv()}'`],
    ['EXPORT DATABASE', () => `EXPORT DATABASE '${join(outside, 'export')}'`],
    ['PRAGMA', () => 'PRAGMA version'],
    ['CALL a pragma', () => 'CALL pragma_version()'],
    ['INSTALL', () => 'INSTALL httpfs'],
    ['LOAD', () => 'LOAD httpfs'],
    ['SET a setting', () => 'SET enable_external_access = true'],
    ['RESET a setting', () => 'RESET memory_limit'],
    ['SET the allowed paths', () => `SET allowed_paths = ['${outside}']`],
    ['CREATE', () => 'CREATE TABLE t AS SELECT 1'],
    ['CREATE a macro', () => 'CREATE MACRO m() AS 1'],
    ['INSERT', () => 'INSERT INTO events SELECT * FROM events'],
    ['DROP', () => 'DROP VIEW events'],
    ['DELETE', () => 'DELETE FROM events'],
    ['EXPLAIN', () => 'EXPLAIN SELECT * FROM events'],
    ['read_csv of another file', () => `SELECT * FROM read_csv('${secretCsv()}')`],
    ['read_csv of /etc/passwd', () => "SELECT * FROM read_csv('/etc/passwd')"],
    ['read_text', () => "SELECT * FROM read_text('/etc/hostname')"],
    ['read_blob', () => "SELECT * FROM read_blob('/etc/hostname')"],
    ['read_parquet of another file', () => `SELECT * FROM read_parquet('${secretParquet()}')`],
    [
      'read_parquet of the event files directly',
      () => `SELECT * FROM read_parquet('${dir}/events/*/*.parquet')`,
    ],
    ['a file path as a table', () => `SELECT * FROM '${secretParquet()}'`],
    ['a URL as a table', () => "SELECT * FROM 'https://example.com/x.parquet'"],
    ['an s3 path', () => "SELECT * FROM read_parquet('s3://bucket/x.parquet')"],
    ['glob', () => "SELECT * FROM glob('/*')"],
    ['getenv', () => "SELECT getenv('HOME')"],
    ['current_setting', () => "SELECT current_setting('allowed_paths')"],
    ['duckdb_settings()', () => 'SELECT * FROM duckdb_settings()'],
    ['duckdb_extensions()', () => 'SELECT * FROM duckdb_extensions()'],
    ['duckdb_views() (the view text names the files)', () => 'SELECT sql FROM duckdb_views()'],
    ['information_schema', () => 'SELECT * FROM information_schema.tables'],
    ['the sqlite_master view', () => 'SELECT * FROM sqlite_master'],
    ['a qualified events', () => 'SELECT * FROM memory.main.events'],
    ['query()', () => "SELECT * FROM query('SELECT 1')"],
    ['query_table()', () => "SELECT * FROM query_table('events')"],
    [
      'a file read in a CTE',
      () => `WITH x AS (SELECT * FROM read_csv('${secretCsv()}')) SELECT * FROM x`,
    ],
    [
      'a file read in a subquery',
      () =>
        `SELECT * FROM events WHERE userId IN (SELECT a::VARCHAR FROM read_csv('${secretCsv()}'))`,
    ],
    ['a file read in a UNION', () => `SELECT 1 UNION ALL SELECT count(*) FROM '${secretCsv()}'`],
    ['sniff_csv', () => `SELECT * FROM sniff_csv('${secretCsv()}')`],
    ['parquet_metadata', () => `SELECT * FROM parquet_metadata('${secretParquet()}')`],
    ['a transaction', () => 'BEGIN TRANSACTION'],
    ['VACUUM', () => 'VACUUM'],
    ['CHECKPOINT', () => 'CHECKPOINT'],
  ];

  it.each(escapes)('refuses %s, in the one error shape', async (_name, query) => {
    const answer = await run(query());
    expect(answer.ok).toBe(false);
    if (!answer.ok) {
      expect(answer.status).toBe(400);
      expect(answer.code).toMatch(/^[a-z_]+$/);
      // The files' own location never shows (a refusal may echo the query's own text).
      expect(answer.message).not.toContain(join(dir, 'events'));
    }
  });

  it('left nothing behind from the refused statements', () => {
    expect(existsSync(join(outside, 'out.csv'))).toBe(false);
    expect(existsSync(join(outside, 'x.db'))).toBe(false);
    expect(existsSync(join(outside, 'export'))).toBe(false);
  });

  it('interrupts a query past the time bound: 408', async () => {
    const started = Date.now();
    const answer = await run(
      'SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b',
      { timeoutMs: 300 },
    );
    expect(answer).toMatchObject({ ok: false, status: 408, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a result past the row bound: 400', async () => {
    const answer = await run('SELECT * FROM events', { maxRows: 5 });
    expect(answer).toMatchObject({ ok: false, status: 400, code: 'too_many_rows' });
    const fits = await run('SELECT * FROM events', { maxRows: 6 });
    expect(fits.ok && fits.rows.length).toBe(6);
  });

  it('refuses a query past the memory bound: 400, and the next query runs', async () => {
    const answer = await run(
      "SELECT count(DISTINCT x) FROM (SELECT range::VARCHAR || repeat('x', 100) AS x FROM range(3000000))",
      { memoryLimitMb: 64 },
    );
    expect(answer).toMatchObject({ ok: false, status: 400, code: 'memory_limit' });
    expect((await run('SELECT count(*) FROM events')).ok).toBe(true);
  });
});
