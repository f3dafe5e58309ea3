import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createDuckDbParquetWriter } from '../../src/adapters/duckdb/duckdbParquetWriter.js';
import { createDuckDbSqlEngine } from '../../src/adapters/duckdb/duckdbSqlEngine.js';
import { createFolderEventFiles } from '../../src/adapters/eventFiles/folderEventFiles.js';
import type { ScoredEvent } from '../../src/core/event.js';
import type { ScoreStore } from '../../src/ports/index.js';
import type { EventFiles, ParquetWriter, SqlAnswer } from '../../src/ports/sql.js';
import { compactEvents } from '../../src/sql/compactEvents.js';
import { scoredEvent, type StoreUnderTest } from './storeContract.js';

const collect = async (docs: AsyncIterable<ScoredEvent>) => {
  const out: ScoredEvent[] = [];
  for await (const d of docs) out.push(d);
  return out;
};
const limits = { timeoutMs: 10_000, memoryLimitMb: 256, maxRows: 10_000, threads: 1 };
const rowsOf = (answer: SqlAnswer) => {
  if (!answer.ok) throw new Error(`${answer.code}: ${answer.message}`);
  return answer.rows;
};

/** The compaction's read side (dayMarks, documentsOfDay) and the Parquet files it feeds, on one store. */
export function dayDocumentsContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`DayDocuments and compaction: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ScoreStore;
    let dir: string;
    let files: EventFiles;
    let writer: ParquetWriter;
    const compact = () =>
      compactEvents({ store, files, writer, now: Date.now, newId: () => randomUUID() });
    const sql = (query: string) => createDuckDbSqlEngine(files, limits).run({ query });

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
      dir = await mkdtemp(join(tmpdir(), 'events-'));
      files = await createFolderEventFiles(dir);
      writer = await createDuckDbParquetWriter();
    });
    afterEach(async () => {
      await writer.close();
      await subject.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it('marks each written day and lists its documents once, redelivered or not', async () => {
      const a = scoredEvent('u1', '2026-03-10T10:00:00.000Z');
      const b = scoredEvent('u2', '2026-03-10T11:00:00.000Z');
      const c = scoredEvent('u1', '2026-03-11T09:00:00.000Z');
      await store.write([a, b, c]);
      await store.write([a, b]);
      const marks = await store.dayMarks();
      expect(marks.map((m) => m.day).sort()).toEqual(['2026-03-10', '2026-03-11']);
      const day = await collect(store.documentsOfDay('2026-03-10'));
      expect(day.map((d) => d.eventId).sort()).toEqual([a.eventId, b.eventId].sort());
      expect(await collect(store.documentsOfDay('2026-03-12'))).toEqual([]);
    });

    it('a re-score changes the mark of its day only', async () => {
      const a = scoredEvent('u1', '2026-03-10T10:00:00.000Z');
      const c = scoredEvent('u1', '2026-03-11T09:00:00.000Z');
      await store.write([a, c]);
      const before = new Map((await store.dayMarks()).map((m) => [m.day, m.gen]));
      await store.addScores([
        { eventId: a.eventId, userId: 'u1', name: 'next', version: '2', score: 0.9 },
      ]);
      const after = new Map((await store.dayMarks()).map((m) => [m.day, m.gen]));
      expect(after.get('2026-03-10')).not.toBe(before.get('2026-03-10'));
      expect(after.get('2026-03-11')).toBe(before.get('2026-03-11'));
      const [doc] = await collect(store.documentsOfDay('2026-03-10'));
      expect(doc?.rescores).toEqual({ 'next@2': 0.9 });
    });

    it('compaction: one row per stored event after redelivery, re-score and a crash', async () => {
      const docs = [
        scoredEvent('u1', '2026-03-10T10:00:00.000Z', {
          // Nested properties: the wave-3 event shape (typed flat until the contract change lands).
          properties: { plan: 'pro', cart: { n: 2 } } as unknown as ScoredEvent['properties'],
        }),
        scoredEvent('u2', '2026-03-10T11:00:00.000Z', { amount: 3 }),
        scoredEvent('u1', '2026-03-11T09:00:00.000Z', {
          challenger: { name: 'next', version: '2', score: 0.7 },
        }),
      ];
      await store.write(docs);
      const first = await compact();
      expect(first).toMatchObject({ days: 2, rows: 3, pending: 0, lagSeconds: 0 });
      expect(await compact()).toMatchObject({ days: 0, rows: 0 });

      await store.write(docs); // redelivery
      await store.addScores([
        { eventId: docs[0]!.eventId, userId: 'u1', name: 'next', version: '2', score: 0.25 },
      ]);
      // A crash after the new file is swapped in but before the state is saved: the day is redone.
      const state = await files.readState();
      await compact();
      await files.writeState(state!);
      await compact();

      expect(
        rowsOf(await sql('SELECT count(*) AS n, count(DISTINCT eventId) AS d FROM events')),
      ).toEqual([[3, 3]]);
      const rows = rowsOf(
        await sql(
          `SELECT eventId, CAST(day AS VARCHAR), properties->>'$.cart.n', amount, model,
             challenger, challengerScore, rescores['next@2'], CAST(occurredAt AS VARCHAR)
           FROM events ORDER BY occurredAt`,
        ),
      );
      expect(rows).toEqual([
        [
          docs[0]!.eventId,
          '2026-03-10',
          '2',
          12.5,
          'baseline@1',
          null,
          null,
          0.25,
          '2026-03-10 10:00:00',
        ],
        [
          docs[1]!.eventId,
          '2026-03-10',
          null,
          3,
          'baseline@1',
          null,
          null,
          null,
          '2026-03-10 11:00:00',
        ],
        [
          docs[2]!.eventId,
          '2026-03-11',
          null,
          12.5,
          'baseline@1',
          'next@2',
          0.7,
          null,
          '2026-03-11 09:00:00',
        ],
      ]);
    });

    it('compaction reports the lag of the days it left for the next run', async () => {
      await store.write([
        scoredEvent('u1', '2026-03-10T10:00:00.000Z'),
        scoredEvent('u1', '2026-03-11T10:00:00.000Z'),
      ]);
      const later = Date.now() + 120_000;
      const run = await compactEvents(
        { store, files, writer, now: () => later, newId: () => randomUUID() },
        { maxDays: 1 },
      );
      expect(run.days).toBe(1);
      expect(run.pending).toBe(1);
      expect(run.lagSeconds).toBeGreaterThanOrEqual(110);
      expect(run.lagSeconds).toBeLessThan(200);
    });
  });
}
