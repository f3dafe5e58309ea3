import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { InvocationContext } from '@azure/functions';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDuckDbParquetWriter } from '../../src/adapters/duckdb/duckdbParquetWriter.js';
import { createDuckDbSqlEngine } from '../../src/adapters/duckdb/duckdbSqlEngine.js';
import { offlineOptions, openDuckDb } from '../../src/adapters/duckdb/openDuckDb.js';
import { createBlobEventFiles } from '../../src/adapters/eventFiles/blobEventFiles.js';
import type { ScoredEvent } from '../../src/core/event.js';
import { functionTable } from '../../src/functionTable.js';
import { isTimerFunction } from '../../src/functionTypes.js';
import type { EventFiles } from '../../src/ports/sql.js';
import { rewriteWithoutUsers } from '../../src/sql/compactEvents.js';
import { scoredEvent } from '../adapters/storeContract.js';
import { type AzuriteBlob, startAzuriteBlob } from '../support/azurite.js';
import { eventually, startTestHost } from '../support/localHost.js';

let azurite: AzuriteBlob;
let container: ContainerClient;
let cacheDir: string;

async function* docsOf(docs: ScoredEvent[]) {
  yield* docs;
}

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    `events-${randomUUID().slice(0, 8)}`,
  );
  await container.create();
  cacheDir = await mkdtemp(join(tmpdir(), 'event-cache-'));
});
afterAll(async () => {
  await azurite.stop();
  await rm(cacheDir, { recursive: true, force: true });
});

async function putDay(files: EventFiles, day: string, docs: ScoredEvent[]) {
  const writer = await createDuckDbParquetWriter();
  const path = join(files.scratchDir, `${day}-${randomUUID()}.parquet`);
  await writer.write(docsOf(docs), path);
  await writer.close();
  await files.replaceDay(day, path);
}

const limits = { timeoutMs: 10_000, memoryLimitMb: 256, maxRows: 100, threads: 1 };

describe('event files in Blob Storage (Azurite)', () => {
  it('reads the asked days through a bounded local cache, fetching a rewritten day again', async () => {
    const files = await createBlobEventFiles(container, { cacheDir, cacheBytes: 64 * 1024 });
    await putDay(files, '2026-03-10', [scoredEvent('u1', '2026-03-10T10:00:00.000Z')]);
    await putDay(files, '2026-03-11', [scoredEvent('u2', '2026-03-11T10:00:00.000Z')]);
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    expect(names.sort()).toEqual([
      'day=2026-03-10/events.parquet',
      'day=2026-03-11/events.parquet',
    ]);

    const engine = createDuckDbSqlEngine(files, limits);
    const one = await engine.run({ query: 'SELECT userId FROM events', from: '2026-03-11' });
    expect(one.ok && one.rows).toEqual([['u2']]);
    expect(await readdir(cacheDir)).toEqual(expect.arrayContaining(['day=2026-03-11']));
    expect(await readdir(cacheDir)).not.toContain('day=2026-03-10');

    await putDay(files, '2026-03-11', [
      scoredEvent('u2', '2026-03-11T10:00:00.000Z'),
      scoredEvent('u3', '2026-03-11T11:00:00.000Z'),
    ]);
    const both = await engine.run({ query: 'SELECT count(*) FROM events' });
    expect(both.ok && both.rows).toEqual([[3]]);
    await files.close();
  });

  it('refuses days that hold more than the cache bound, in the one error shape', async () => {
    const files = await createBlobEventFiles(container, { cacheDir, cacheBytes: 100 });
    const answer = await createDuckDbSqlEngine(files, limits).run({ query: 'SELECT 1' });
    expect(answer).toMatchObject({ ok: false, status: 400, code: 'cache_bound' });
    await files.close();
  });

  it('rewrites given days without given users', async () => {
    const files = await createBlobEventFiles(container, { cacheDir, cacheBytes: 1024 * 1024 });
    await putDay(files, '2026-03-12', [
      scoredEvent('gone', '2026-03-12T10:00:00.000Z'),
      scoredEvent('stays', '2026-03-12T11:00:00.000Z'),
    ]);
    await putDay(files, '2026-03-13', [scoredEvent('gone', '2026-03-13T10:00:00.000Z')]);
    const writer = await createDuckDbParquetWriter();
    const result = await rewriteWithoutUsers(
      { files, writer, newId: randomUUID },
      ['2026-03-12', '2026-03-13', '2026-03-14'],
      ['gone'],
    );
    await writer.close();
    expect(result).toEqual({ days: 2, removed: 2 });
    expect(await files.days()).not.toContain('2026-03-13');
    const answer = await createDuckDbSqlEngine(files, limits).run({
      query: "SELECT userId FROM events WHERE day >= DATE '2026-03-12'",
    });
    expect(answer.ok && answer.rows).toEqual([['stays']]);
    await files.close();
  });

  it('starts DuckDB with extension installing and autoloading off: nothing is fetched', async () => {
    const db = await openDuckDb();
    const settings = await db.connection.runAndReadAll(
      "SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions') ORDER BY name",
    );
    expect(settings.getRows()).toEqual([
      ['autoinstall_known_extensions', 'false'],
      ['autoload_known_extensions', 'false'],
    ]);
    expect(offlineOptions.allow_community_extensions).toBe('false');
    // httpfs is not built in: a read of a URL would need it downloaded, and fails instead.
    await expect(
      db.connection.run("SELECT * FROM read_parquet('https://127.0.0.1:1/x.parquet')"),
    ).rejects.toThrow(/httpfs|extension/i);
    db.close();
  });
});

describe('POST /api/sql with the files in Blob (Azurite)', () => {
  it('compacts to the container and answers from it', async () => {
    const name = `hostevents-${randomUUID().slice(0, 8)}`;
    const host = await startTestHost({
      EVENT_FILES_BACKEND: 'blob',
      EVENT_FILES_BLOB_CONNECTION: azurite.connectionString,
      EVENT_FILES_BLOB_CONTAINER: name,
    });
    try {
      const res = await fetch(`${host.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            { userId: 'b1', type: 'view' },
            { userId: 'b2', type: 'view' },
          ],
        }),
      });
      expect(res.status).toBeLessThan(300);
      await eventually(async () => {
        const r = await fetch(`${host.url}/api/stats/top-events`);
        return ((await r.json()) as { total: number }).total === 2 ? true : undefined;
      });
      const compaction = functionTable.filter(isTimerFunction)[0]!;
      await compaction.create(host.deps)({}, { invocationId: 't' } as InvocationContext);
      const blobs: string[] = [];
      const c = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
        name,
      );
      for await (const b of c.listBlobsFlat()) blobs.push(b.name);
      expect(blobs).toContain('_state/compaction.json');
      expect(blobs.some((b) => /^day=\d{4}-\d{2}-\d{2}\/events\.parquet$/.test(b))).toBe(true);

      const answer = await fetch(`${host.url}/api/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'SELECT userId FROM events ORDER BY userId' }),
      });
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { rows: unknown[] }).rows).toEqual([['b1'], ['b2']]);
    } finally {
      await host.close();
      host.removeData();
    }
  });
});
