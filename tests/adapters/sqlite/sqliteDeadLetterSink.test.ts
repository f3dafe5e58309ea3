import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

  it("reads a person's dead letters by their id anywhere in the body, set-aside messages included", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dead-'));
    const path = join(dir, 'store.db');
    try {
      const sink = createSqliteDeadLetterSink(path, () => 42);
      await sink.put([
        { key: 'a', reason: 'r1', body: { userId: 'u-1', type: 'x' } },
        { key: 'b', reason: 'r2', body: { userId: 'u-2' } },
        { key: 'c', reason: 'r3', body: 'raw' },
        {
          key: 'd',
          reason: 'r4',
          body: { protocol: 'segment', message: { anonymousId: 'anon:9' } },
        },
        {
          key: 'e',
          reason: 'r5',
          body: { userId: 'u-10', note: 'u-1 is a substring, not a value' },
        },
      ]);
      expect(await sink.byUser(['u-1', 'anon:9'])).toEqual([
        { key: 'a', reason: 'r1', body: { userId: 'u-1', type: 'x' } },
        {
          key: 'd',
          reason: 'r4',
          body: { protocol: 'segment', message: { anonymousId: 'anon:9' } },
        },
      ]);
      expect(await sink.byUser(['nobody'])).toEqual([]);
      await sink.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes every dead letter holding one of the ids as a value at any depth, and no other', async () => {
    const sink = createSqliteDeadLetterSink(':memory:', () => 42);
    const u = 'u-1';
    const anon = 'anon-7';
    await sink.put([
      { key: 'scorer', reason: 'invalid_event', body: { userId: u, type: '' } },
      {
        key: 'segment',
        reason: 'message.type: unknown',
        body: { protocol: 'segment', message: { anonymousId: anon, type: 'nope' } },
      },
      {
        key: 'posthog',
        reason: 'event: required',
        body: { protocol: 'posthog', message: { properties: { $anon_distinct_id: anon } } },
      },
      {
        key: 'posthog-batch',
        reason: 'r',
        body: { message: { batch: [{ distinct_id: 'x' }, { properties: { distinct_id: u } }] } },
      },
      { key: 'raw', reason: 'unparseable', body: `{"distinct_id":"${u}"}` },
      { key: 'near', reason: 'r', body: { userId: 'u-10', note: `about ${u}`, n: 1 } },
      { key: 'key', reason: 'r', body: { [u]: 'a key is not a value' } },
      { key: 'other', reason: 'r', body: { userId: 'u-2' } },
      { key: 'string', reason: 'r', body: 'raw' },
    ]);
    expect(await sink.removeUsers([u, anon])).toBe(5);
    expect(sink.count()).toBe(4);
    expect(await sink.byUser(['u-10', 'u-2'])).toEqual([
      { key: 'near', reason: 'r', body: { userId: 'u-10', note: `about ${u}`, n: 1 } },
      { key: 'other', reason: 'r', body: { userId: 'u-2' } },
    ]);
    expect(await sink.removeUsers([u, anon])).toBe(0);
    expect(await sink.removeUsers([])).toBe(0);
    expect(sink.count()).toBe(4);
    await sink.close();
  });

  it('leaves no byte of a removed person in store.db or its WAL once scrubbed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dead-'));
    const path = join(dir, 'store.db');
    const gone = 'gone-9b2d41c7';
    try {
      const sink = createSqliteDeadLetterSink(path, () => 42);
      await sink.put(
        Array.from({ length: 50 }, (_, i) => ({
          key: `k${i}`,
          reason: 'r',
          body: i % 5 === 0 ? { message: { anonymousId: gone, n: i } } : { userId: `u-${i}` },
        })),
      );
      expect(readFileSync(`${path}-wal`).includes(gone)).toBe(true);
      expect(await sink.removeUsers([gone])).toBe(10);
      expect(sink.scrub()).toMatchObject({ complete: true });
      for (const file of [path, `${path}-wal`].filter((f) => existsSync(f)))
        expect(readFileSync(file).includes(gone)).toBe(false);
      expect(sink.count()).toBe(40);
      await sink.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
