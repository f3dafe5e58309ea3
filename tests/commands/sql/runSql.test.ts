import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDuckDbParquetWriter } from '../../../src/adapters/duckdb/duckdbParquetWriter.js';
import { createDuckDbSqlEngine } from '../../../src/adapters/duckdb/duckdbSqlEngine.js';
import { createFolderEventFiles } from '../../../src/adapters/eventFiles/folderEventFiles.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { EXIT, runSql } from '../../../src/commands/sql/runSql.js';
import type { ScoreStore } from '../../../src/ports/index.js';
import type { EventFiles } from '../../../src/ports/sql.js';
import { compactEvents } from '../../../src/sql/compactEvents.js';
import { scoredEvent } from '../../adapters/storeContract.js';

let dir: string;
let files: EventFiles;
let store: ScoreStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-sql-'));
  files = await createFolderEventFiles(join(dir, 'events'));
  store = createSqliteStore(join(dir, 'store.db'));
  await store.write([
    scoredEvent('u1', '2026-03-10T10:00:00.000Z', { type: 'view', properties: { note: 'a, "b"' } }),
    scoredEvent('u2', '2026-03-11T10:00:00.000Z', { type: 'buy' }),
  ]);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSql(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    engine: async () =>
      createDuckDbSqlEngine(files, {
        timeoutMs: 10_000,
        memoryLimitMb: 256,
        maxRows: 100,
        threads: 1,
      }),
    async compact() {
      const writer = await createDuckDbParquetWriter();
      try {
        return await compactEvents({ store, files, writer, now: Date.now, newId: randomUUID });
      } finally {
        await writer.close();
      }
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run sql', () => {
  it('compacts first with --compact, then prints a table', async () => {
    const r = await run(
      'SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type',
      '--compact',
    );
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toBe('compacted 2 day(s), 2 row(s)');
    expect(r.out).toBe(['type | n', '-----+--', 'buy  | 1', 'view | 1', '(2 rows)'].join('\n'));
  });

  it('prints CSV, quoting what needs it, and JSON', async () => {
    const q = "SELECT type, properties->>'$.note' AS note FROM events ORDER BY type";
    const csv = await run(q, '--format', 'csv');
    expect(csv.out).toBe(['type,note', 'buy,', 'view,"a, ""b"""'].join('\r\n'));
    const json = await run(q, '--format', 'json');
    expect(JSON.parse(json.out)).toEqual({
      columns: [
        { name: 'type', type: 'VARCHAR' },
        { name: 'note', type: 'VARCHAR' },
      ],
      rows: [
        ['buy', null],
        ['view', 'a, "b"'],
      ],
    });
  });

  it('limits the days read with --from/--to', async () => {
    const r = await run(
      'SELECT count(*) AS n FROM events',
      '--from',
      '2026-03-11',
      '--format',
      'csv',
    );
    expect(r.out).toBe('n\r\n1');
  });

  it.each([
    [[], EXIT.usage, /one argument/],
    [['SELECT 1', '--format', 'xml'], EXIT.usage, /--format must be/],
    [['SELECT 1', '--from', 'yesterday'], EXIT.usage, /--from must be a calendar day/],
    [['SELECT 1', '--bogus'], EXIT.usage, /Unknown option/],
    [['DROP VIEW events'], EXIT.refused, /^not_select: /],
  ])('exits %j with %i and a message', async (argv, code, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });
});
