import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterEach, describe, expect, it } from 'vitest';

import { sqliteIdentityQueries } from '../../../src/adapters/sqlite/sqliteIdentity.js';
import { ERASE_BATCH } from '../../../src/adapters/sqlite/sqlitePersonErasure.js';
import { createSqliteStore, sqliteStoreQueries } from '../../../src/adapters/sqlite/sqliteStore.js';
import type { JsonObject } from '../../../src/core/event.js';
import { analyticsContract } from '../analyticsContract.js';
import { identityContract } from '../identityContract.js';
import { personErasureContract } from '../personErasureContract.js';
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

analyticsContract('sqlite', async () => {
  const store = createSqliteStore(tempFile());
  return { store, cleanup: () => store.close() };
});

identityContract(
  'sqlite',
  async (logger) => {
    const store = createSqliteStore(tempFile(), { logger });
    return { store, cleanup: () => store.close() };
  },
  [1, 2, 3, 4],
);

describe('createSqliteStore', () => {
  it('rolls up a file written before the rollups existed, once, when it opens it', async () => {
    const path = tempFile();
    const docs = [
      scoredEvent('u1', '2026-03-02T10:00:00.000Z', { type: 'view' }),
      scoredEvent('u1', '2026-03-04T10:00:00.000Z'),
      scoredEvent('u2', '2026-03-04T11:00:00.000Z'),
    ];
    const old = new DatabaseSync(path);
    old.exec(`
      CREATE TABLE scores (event_id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
        occurred_at TEXT NOT NULL, doc TEXT NOT NULL);
      CREATE TABLE activity (day TEXT NOT NULL, user_id TEXT NOT NULL,
        PRIMARY KEY (day, user_id)) WITHOUT ROWID;`);
    const insert = old.prepare('INSERT INTO scores VALUES (?, ?, ?, ?)');
    for (const d of docs) insert.run(d.eventId, d.userId, d.occurredAt, JSON.stringify(d));
    old.close();

    for (let open = 0; open < 2; open += 1) {
      const store = createSqliteStore(path);
      expect(await store.dailyActiveUsers('2026-03-02', '2026-03-04')).toEqual([
        { day: '2026-03-02', activeUsers: 1 },
        { day: '2026-03-03', activeUsers: 0 },
        { day: '2026-03-04', activeUsers: 2 },
      ]);
      expect(await store.userSummary('u1')).toMatchObject({ events: 2, activeDays: 2 });
      await store.close();
    }
    const db = new DatabaseSync(path);
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'activity'").get(),
    ).toBeUndefined();
    db.close();
  });

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

  it('keeps __proto__ keys of nested fields as data', async () => {
    const store = createSqliteStore(tempFile());
    const properties = JSON.parse(
      '{"__proto__":{"admin":true},"a":{"__proto__":[1]}}',
    ) as JsonObject;
    const doc = scoredEvent('a/b#c', '2026-03-02T10:00:00.000Z', {
      properties,
      traits: properties,
    });
    await store.write([doc]);
    const [read] = (await store.userScores({ userId: 'a/b#c', limit: 5 })).items;
    expect(JSON.stringify(read?.properties)).toBe(
      '{"__proto__":{"admin":true},"a":{"__proto__":[1]}}',
    );
    expect(JSON.stringify(read?.traits)).toBe(JSON.stringify(read?.properties));
    expect(Object.getPrototypeOf(read?.properties)).toBe(Object.prototype);
    await store.close();
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
    const range = { from: '2026-03-01', to: '2026-03-07' };
    const rollupPlans = {
      dau: plan(sqliteStoreQueries.dailyActiveUsers, range),
      types: plan(sqliteStoreQueries.eventsByType, range),
      scores: plan(sqliteStoreQueries.scoreHistogram, { model: 'baseline@1', ...range }),
      known: plan(sqliteStoreQueries.modelKnown, { model: 'baseline@1' }),
      cohorts: plan(sqliteStoreQueries.cohortMembers, { from: 20513, to: 20520 }),
      user: plan(sqliteStoreQueries.userSummary, { userId: 'u1' }),
    };
    db.close();

    for (const userPlan of userPlans) {
      expect(userPlan.join('\n')).toMatch(/SEARCH scores USING INDEX scores_by_user \(user_id=\?/);
      expect(userPlan.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
    expect(rollupPlans.dau.join('\n')).toMatch(
      /SEARCH day_users USING PRIMARY KEY \(day>\? AND day<\?\)/,
    );
    expect(rollupPlans.types.join('\n')).toMatch(
      /SEARCH type_days USING PRIMARY KEY \(day>\? AND day<\?\)/,
    );
    expect(rollupPlans.scores.join('\n')).toMatch(
      /SEARCH score_days USING PRIMARY KEY \(model=\? AND day>\? AND day<\?\)/,
    );
    expect(rollupPlans.known.join('\n')).toMatch(/SEARCH models USING PRIMARY KEY \(model=\?\)/);
    expect(rollupPlans.cohorts.join('\n')).toMatch(
      /SEARCH users USING INDEX users_by_first_day \(first_day>\? AND first_day<\?\)/,
    );
    expect(rollupPlans.user.join('\n')).toMatch(/SEARCH users USING PRIMARY KEY \(user_id=\?\)/);
    for (const line of [...userPlans.flat(), ...Object.values(rollupPlans).flat()])
      expect(line).not.toMatch(/^SCAN/);
  });

  it('resolves ids and lists linked ids from the identity indexes', async () => {
    const path = tempFile();
    const store = createSqliteStore(path);
    await store.write(
      Array.from({ length: 300 }, (_, i) =>
        scoredEvent(`u${i % 100}`, new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(), {
          ...(i % 3 === 0 && { link: { previousId: `anon:${i}`, via: 'identify' } }),
        }),
      ),
    );
    expect((await store.identity.person('anon:3')).personId).toBe('u3');
    await store.close();
    const db = new DatabaseSync(path);
    db.exec('ANALYZE');
    const plan = (sql: string) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all('u3')
        .map((row) => String(row.detail))
        .join('\n');
    expect(plan(sqliteIdentityQueries.personOf)).toMatch(
      /SEARCH identity_links USING PRIMARY KEY \(alias_id=\?\)/,
    );
    for (const sql of [sqliteIdentityQueries.hasLinks, sqliteIdentityQueries.linkedIds]) {
      expect(plan(sql)).toMatch(
        /SEARCH identity_links USING COVERING INDEX identity_links_by_person \(person_id=\?\)/,
      );
      expect(plan(sql)).not.toMatch(/TEMP B-TREE|SCAN/);
    }
    db.close();
  });
});

personErasureContract('sqlite', async () => {
  const store = createSqliteStore(tempFile());
  return { store, cleanup: () => store.close() };
});

describe('createSqlitePersonErasure', () => {
  it('erases a large person in bounded transactions, each leaving the figures in step with the documents', async () => {
    const store = createSqliteStore(tempFile());
    try {
      const docs = Array.from({ length: ERASE_BATCH + 500 }, (_, i) =>
        scoredEvent(
          'heavy',
          new Date(Date.UTC(2026, 2, 1 + (i % 20), 10, 0, i % 60)).toISOString(),
          {
            type: i % 2 ? 'view' : 'buy',
          },
        ),
      );
      await store.write(docs);
      await store.write([scoredEvent('light', '2026-03-05T10:00:00.000Z', { type: 'view' })]);
      const upTo = '2026-04-01T00:00:00.000Z';
      const first = await store.erasure.erase(['heavy'], upTo);
      expect(first).toMatchObject({ documents: ERASE_BATCH, more: true });
      // Mid-way: events per type count exactly the documents left.
      const left = (await store.userScores({ userId: 'heavy', limit: 5000 })).items.length;
      expect(left).toBe(500);
      const total = (await store.eventsByType('2026-03-01', '2026-03-31')).reduce(
        (n, t) => n + t.events,
        0,
      );
      expect(total).toBe(left + 1);
      const last = await store.erasure.erase(['heavy'], upTo);
      expect(last).toMatchObject({ documents: 500, more: false });
      expect(await store.eventsByType('2026-03-01', '2026-03-31')).toEqual([
        { type: 'view', events: 1 },
      ]);
      expect(
        (await store.dailyActiveUsers('2026-03-01', '2026-03-20')).filter((d) => d.activeUsers > 0),
      ).toEqual([{ day: '2026-03-05', activeUsers: 1 }]);
    } finally {
      await store.close();
    }
  });
});
