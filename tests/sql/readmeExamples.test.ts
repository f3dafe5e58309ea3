import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDuckDbParquetWriter } from '../../src/adapters/duckdb/duckdbParquetWriter.js';
import { createDuckDbSqlEngine } from '../../src/adapters/duckdb/duckdbSqlEngine.js';
import { createFolderEventFiles } from '../../src/adapters/eventFiles/folderEventFiles.js';
import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import type { ScoredEvent } from '../../src/core/event.js';
import { addDays, utcDay } from '../../src/core/time/calendarDay.js';
import type { ScoreStore } from '../../src/ports/index.js';
import type { EventFiles, ParquetWriter } from '../../src/ports/sql.js';
import { compactEvents, rewriteWithoutUsers } from '../../src/sql/compactEvents.js';
import { scoredEvent } from '../adapters/storeContract.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const examples = new Map(
  [...readme.matchAll(/```sql\n-- example: (\w+)\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]),
);

/** A small deterministic generator, so the data set is the same on every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x6b43a9b5) >>> 0;
    return s / 2 ** 32;
  };
}

const DELETED = 'user-deleted';
const START = '2026-03-01';
const TYPES = ['view', 'add_to_cart', 'checkout', 'purchase'] as const;

/** Events of 24 users over 14 days; scores are multiples of 1/8 so sums are exact in both engines. */
function dataSet(): ScoredEvent[] {
  const next = random(42);
  const docs: ScoredEvent[] = [];
  const users = [...Array.from({ length: 23 }, (_, i) => `user-${i}`), DELETED];
  for (const userId of users) {
    const plan = next() < 0.5 ? 'free' : 'pro';
    const firstDay = Math.floor(next() * 10);
    let t = Date.parse(`${addDays(START, firstDay)}T08:00:00.000Z`);
    const n = 1 + Math.floor(next() * 10);
    for (let i = 0; i < n; i++) {
      // Mostly hours apart (funnels complete), sometimes days (some users never come back).
      t += Math.floor(next() * (next() < 0.75 ? 4 : 9 * 24) * 3600_000);
      if (t >= Date.parse('2026-03-15T00:00:00.000Z')) break;
      const type = next() < 0.6 ? TYPES[i % 4]! : TYPES[Math.floor(next() * 4)]!;
      const occurredAt = new Date(t).toISOString();
      docs.push(
        scoredEvent(userId, occurredAt, {
          type,
          day: utcDay(occurredAt),
          amount: type === 'purchase' ? 1 + Math.floor(next() * 50) : undefined,
          properties: { plan },
          score: Math.floor(next() * 8) / 8,
        }),
      );
    }
  }
  return docs;
}

const byUser = <T>(docs: ScoredEvent[], f: (mine: ScoredEvent[]) => T) => {
  const groups = new Map<string, ScoredEvent[]>();
  for (const d of docs) groups.set(d.userId, [...(groups.get(d.userId) ?? []), d]);
  return new Map([...groups].map(([u, mine]) => [u, f(mine)]));
};
const ms = (d: ScoredEvent) => Date.parse(d.occurredAt);
const DAY = 86_400_000;
const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The figures of each README example, computed from the documents without SQL. */
const expected = {
  funnel(docs: ScoredEvent[]) {
    let viewed = 0;
    let added = 0;
    let checked = 0;
    byUser(docs, (mine) => {
      const views = mine.filter((d) => d.type === 'view').map(ms);
      if (views.length === 0) return;
      viewed++;
      const v = Math.min(...views);
      const adds = mine
        .filter((d) => d.type === 'add_to_cart' && ms(d) >= v && ms(d) <= v + DAY)
        .map(ms);
      if (adds.length === 0) return;
      added++;
      const a = Math.min(...adds);
      if (mine.some((d) => d.type === 'checkout' && ms(d) >= a && ms(d) <= v + DAY)) checked++;
    });
    return [[viewed, added, checked]];
  },
  revenue(docs: ScoredEvent[]) {
    const sums = new Map<string, number>();
    for (const d of docs.filter((x) => x.type === 'purchase')) {
      const key = `${d.day}|${JSON.stringify(d.properties?.plan ?? null).replace(/^"|"$/g, '')}`;
      sums.set(key, (sums.get(key) ?? 0) + d.amount!);
    }
    return [...sums]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, sum]) => [...key.split('|'), sum]);
  },
  retention(docs: ScoredEvent[]) {
    const rows = new Map<string, [number, number]>();
    byUser(docs, (mine) => {
      const first = [...mine].sort((a, b) => ms(a) - ms(b))[0]!;
      const firstDay = mine.map((d) => d.day).sort()[0]!;
      const back = mine.some((d) => d.day >= addDays(firstDay, 1) && d.day <= addDays(firstDay, 7));
      const plan = JSON.stringify(first.properties?.plan ?? null).replace(/^"|"$/g, '');
      const row = rows.get(plan) ?? [0, 0];
      rows.set(plan, [row[0] + 1, row[1] + (back ? 1 : 0)]);
    });
    return [...rows].sort(([a], [b]) => a.localeCompare(b)).map(([plan, r]) => [plan, ...r]);
  },
  mean_score(docs: ScoredEvent[]) {
    return [...new Set(docs.map((d) => d.type))].sort().map((type) => {
      const mine = docs.filter((d) => d.type === type);
      return [type, mean(mine.map((d) => d.score)), mine.length];
    });
  },
  score_rose(docs: ScoredEvent[]) {
    return [
      ...byUser(docs, (mine) => {
        const before = mean(mine.filter((d) => d.day <= '2026-03-07').map((d) => d.score));
        const after = mean(
          mine.filter((d) => d.day >= '2026-03-08' && d.day <= '2026-03-14').map((d) => d.score),
        );
        return [before, after] as const;
      }),
    ]
      .filter(([, [b, a]]) => b !== null && a !== null && a > b)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([u, [b, a]]) => [u, b, a]);
  },
};

describe('the README examples equal an independent computation', () => {
  let dir: string;
  let store: ScoreStore;
  let files: EventFiles;
  let writer: ParquetWriter;
  let kept: ScoredEvent[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'readme-sql-'));
    store = createSqliteStore(join(dir, 'store.db'));
    files = await createFolderEventFiles(join(dir, 'events'));
    writer = await createDuckDbParquetWriter();
    const compact = () => compactEvents({ store, files, writer, now: Date.now, newId: randomUUID });
    const all = dataSet();
    // Late events: the last fifth arrive after a first compaction, into days already written.
    const late = all.filter((_, i) => i % 5 === 4);
    const onTime = all.filter((_, i) => i % 5 !== 4);
    await store.write(onTime);
    await store.write(onTime.slice(0, 20)); // redelivered duplicates
    await compact();
    await store.write(late);
    await store.write(late); // redelivered again
    await store.addScores([{ ...all[0]!, name: 'next', version: '2', score: 0.5 }]);
    await compact();
    const days = [...new Set(all.filter((d) => d.userId === DELETED).map((d) => d.day))];
    const removed = await rewriteWithoutUsers({ files, writer, newId: randomUUID }, days, [
      DELETED,
    ]);
    expect(removed.removed).toBe(all.filter((d) => d.userId === DELETED).length);
    kept = all.filter((d) => d.userId !== DELETED);
  });
  afterAll(async () => {
    await writer.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the five examples in the README', () => {
    expect([...examples.keys()].sort()).toEqual(
      ['funnel', 'mean_score', 'retention', 'revenue', 'score_rose'].sort(),
    );
  });

  it('holds one row per event, the re-score, and no row of the deleted user', async () => {
    const engine = createDuckDbSqlEngine(files, {
      timeoutMs: 10_000,
      memoryLimitMb: 256,
      maxRows: 10_000,
      threads: 1,
    });
    const answer = await engine.run({
      query: `SELECT count(*), count(DISTINCT eventId), count(*) FILTER (WHERE userId = '${DELETED}'),
        count(*) FILTER (WHERE rescores['next@2'] = 0.5) FROM events`,
    });
    expect(answer.ok && answer.rows).toEqual([[kept.length, kept.length, 0, 1]]);
  });

  it.each(Object.keys(expected) as (keyof typeof expected)[])('%s', async (name) => {
    const engine = createDuckDbSqlEngine(files, {
      timeoutMs: 10_000,
      memoryLimitMb: 256,
      maxRows: 10_000,
      threads: 1,
    });
    const answer = await engine.run({ query: examples.get(name)! });
    if (!answer.ok) throw new Error(`${answer.code}: ${answer.message}`);
    const want = expected[name](kept);
    expect(want.length).toBeGreaterThan(0);
    expect(answer.rows).toEqual(want);
  });
});
