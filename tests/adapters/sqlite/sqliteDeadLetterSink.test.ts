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
});
