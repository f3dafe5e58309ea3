import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { openDatabase } from '../../../src/adapters/sqlite/openDatabase.js';
import { createSqliteDeadLetterSink } from '../../../src/adapters/sqlite/sqliteDeadLetterSink.js';

describe('sqliteDeadLetterSink', () => {
  it('keeps each message with its reason, across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dead-'));
    const path = join(dir, 'store.db');
    try {
      const sink = createSqliteDeadLetterSink(path, () => 42);
      await sink.put([
        { key: 'a', reason: 'invalid_message: userId: must not be empty', body: { userId: '' } },
        { key: 'b', reason: 'unscorable: model 1 gave NaN', body: 'raw' },
      ]);
      expect(sink.count()).toBe(2);
      await sink.close();
      const db = openDatabase(path);
      expect(
        db.prepare('SELECT key, reason, body, at FROM dead_letters ORDER BY key').all(),
      ).toEqual([
        {
          key: 'a',
          reason: 'invalid_message: userId: must not be empty',
          body: '{"userId":""}',
          at: 42,
        },
        { key: 'b', reason: 'unscorable: model 1 gave NaN', body: '"raw"', at: 42 },
      ]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a person's dead letters by the userId in their body, through the index", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dead-'));
    const path = join(dir, 'store.db');
    try {
      const sink = createSqliteDeadLetterSink(path, () => 42);
      await sink.put([
        { key: 'a', reason: 'r1', body: { userId: 'u-1', type: 'x' } },
        { key: 'b', reason: 'r2', body: { userId: 'u-2' } },
        { key: 'c', reason: 'r3', body: 'raw' },
        { key: 'd', reason: 'r4', body: { userId: 'anon:9' } },
      ]);
      expect(await sink.byUser(['u-1', 'anon:9'])).toEqual([
        { key: 'a', reason: 'r1', body: { userId: 'u-1', type: 'x' } },
        { key: 'd', reason: 'r4', body: { userId: 'anon:9' } },
      ]);
      expect(await sink.byUser(['nobody'])).toEqual([]);
      await sink.close();
      const db = openDatabase(path);
      const plan = db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT key FROM dead_letters WHERE json_extract(body, '$.userId') = ?",
        )
        .all('u-1') as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('dead_letters_user');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
