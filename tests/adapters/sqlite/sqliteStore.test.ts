import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqliteStore, sqliteStoreQueries } from '../../../src/adapters/sqlite/sqliteStore.js';
import { scoredEvent, storeContract } from '../storeContract.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
  dirs.push(dir);
  return join(dir, 'scores.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

storeContract('sqlite', async () => {
  const store = createSqliteStore(tempFile());
  return { store, cleanup: () => store.close() };
});

describe('createSqliteStore', () => {
  it('keeps scores and activity across close and reopen', async () => {
    const path = tempFile();
    const doc = scoredEvent('u1', '2026-03-02T10:00:00.000Z');
    const first = createSqliteStore(path);
    await first.write([doc]);
    await first.close();

    const second = createSqliteStore(path);
    expect((await second.userScores({ userId: 'u1', limit: 5 })).items).toEqual([doc]);
    expect(await second.write([doc])).toMatchObject({ written: 0, alreadyStored: 1 });
    expect(await second.dailyActiveUsers('2026-03-02', '2026-03-02')).toEqual([
      { day: '2026-03-02', activeUsers: 1 },
    ]);
    await second.close();
  });

  it('counts one transaction per write call', async () => {
    const store = createSqliteStore(tempFile());
    const docs = Array.from({ length: 50 }, (_, i) =>
      scoredEvent(`u${i % 7}`, new Date(Date.UTC(2026, 2, 2, 0, i)).toISOString()),
    );
    expect(await store.write(docs)).toEqual({
      written: 50,
      alreadyStored: 0,
      requests: 1,
      throttled: 0,
    });
    await store.close();
  });

  it('fails its health check once closed', async () => {
    const store = createSqliteStore(tempFile());
    await store.close();
    await expect(store.check()).rejects.toThrow();
    await expect(store.write([scoredEvent('u1', '2026-03-02T10:00:00.000Z')])).rejects.toThrow();
  });

  it('answers per-user and daily queries from indexes, never a full table scan', async () => {
    const path = tempFile();
    const store = createSqliteStore(path);
    // Enough rows, and ANALYZE, that the planner picks its plan the way it would in production.
    const docs = Array.from({ length: 2000 }, (_, i) =>
      scoredEvent(`u${i % 100}`, new Date(Date.UTC(2026, 2, 1 + (i % 20), 0, i)).toISOString()),
    );
    await store.write(docs);
    await store.close();

    const db = new DatabaseSync(path);
    db.exec('ANALYZE');
    const plan = (sql: string, params: Record<string, string | number>) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params)
        .map((row) => String(row.detail));
    const userPlans = [
      { userId: 'u1', from: '', to: '~', afterAt: '~', afterId: '', limit: 21 },
      {
        userId: 'u1',
        from: '2026-03-02',
        to: '2026-03-05',
        afterAt: '2026-03-04T00:00:00.000Z',
        afterId: 'f',
        limit: 21,
      },
    ].map((params) => plan(sqliteStoreQueries.userScores, params));
    const dauPlan = plan(sqliteStoreQueries.dailyActiveUsers, {
      from: '2026-03-01',
      to: '2026-03-07',
    });
    db.close();

    for (const userPlan of userPlans) {
      expect(userPlan.join('\n')).toMatch(/SEARCH scores USING INDEX scores_by_user \(user_id=\?/);
      expect(userPlan.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
    expect(dauPlan.join('\n')).toMatch(/SEARCH activity USING PRIMARY KEY \(day>\? AND day<\?\)/);
    for (const line of [...userPlans.flat(), ...dauPlan]) expect(line).not.toMatch(/^SCAN/);
  });
});
