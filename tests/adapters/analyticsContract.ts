import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScoredEvent } from '../../src/core/event.js';
import { addDays, utcDay } from '../../src/core/time/calendarDay.js';
import type { RetentionQuery, ScoreStore } from '../../src/ports/index.js';
import type { StoreUnderTest } from './storeContract.js';

const TYPES = ['view', 'click', 'purchase', 'signup'];
const FIRST_DAY = '2026-03-01';

/** A small deterministic generator (mulberry32) so a failure can be reproduced. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function event(rand: () => number, userId: string, day: string): ScoredEvent {
  const occurredAt = new Date(
    Date.parse(`${day}T00:00:00Z`) + Math.floor(rand() * 86_400_000),
  ).toISOString();
  const version = day < '2026-03-10' ? '1' : '2';
  const doc: ScoredEvent = {
    eventId: randomUUID(),
    userId,
    type: TYPES[Math.floor(rand() * TYPES.length)]!,
    occurredAt,
    receivedAt: occurredAt,
    day: utcDay(occurredAt),
    score: rand() < 0.05 ? 1 : rand(),
    model: { name: 'baseline', version },
    scoredAt: occurredAt,
  };
  if (rand() < 0.4) doc.challenger = { name: 'candidate', version: '7', score: rand() };
  return doc;
}

/**
 * Batches as a scorer would write them: new events, redeliveries of earlier batches, a re-scored
 * copy of a stored event (first write wins), and late events older than a user's first one.
 */
export function analyticsDataSet(seed = 7): ScoredEvent[][] {
  const rand = random(seed);
  const batches: ScoredEvent[][] = [];
  for (let b = 0; b < 4; b += 1) {
    const batch: ScoredEvent[] = [];
    for (let i = 0; i < 80; i += 1) {
      const user = `user-${Math.floor(rand() * 25)}`;
      batch.push(event(rand, user, addDays(FIRST_DAY, 4 + Math.floor(rand() * 20))));
    }
    batch.push(batch[0]!, batch[1]!);
    batches.push(batch);
  }
  batches.push([...batches[1]!]);
  const stored = batches[0]![2]!;
  batches.push([
    { ...stored, score: 0.999, type: 'rescored', model: { name: 'baseline', version: '9' } },
  ]);
  const late = ['user-3', 'user-4', 'user-40'].map((u, i) => event(rand, u, addDays(FIRST_DAY, i)));
  batches.push([...late, ...batches[2]!.slice(0, 10)]);
  batches.push(late);
  return batches;
}

/** The documents a store keeps: the first write of each eventId. */
export function firstWrites(batches: readonly ScoredEvent[][]): ScoredEvent[] {
  const kept = new Map<string, ScoredEvent>();
  for (const doc of batches.flat()) if (!kept.has(doc.eventId)) kept.set(doc.eventId, doc);
  return [...kept.values()];
}

const inRange = (doc: ScoredEvent, from: string, to: string) => doc.day >= from && doc.day <= to;
const dayNum = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** Retention computed apart: cohorts by each userId's first event, as the stores count it. */
export function expectedRetention(docs: readonly ScoredEvent[], q: RetentionQuery) {
  const byUser = new Map<string, ScoredEvent[]>();
  for (const d of docs) byUser.set(d.userId, [...(byUser.get(d.userId) ?? []), d]);
  const start = dayNum(q.start);
  const intervalOf = (day: string) => Math.floor((dayNum(day) - start) / q.intervalDays);
  return Array.from({ length: q.cohorts }, (_, c) => {
    const members = [...byUser.values()].filter((events) => {
      const first = events.map((e) => e.occurredAt).sort()[0]!;
      return intervalOf(first.slice(0, 10)) === c;
    });
    return {
      cohort: addDays(q.start, c * q.intervalDays),
      size: members.length,
      retained: Array.from(
        { length: q.windows + 1 },
        (_, k) =>
          members.filter((events) => events.some((e) => intervalOf(e.day) === c + k)).length,
      ),
    };
  });
}

function expectedHistogram(docs: ScoredEvent[], model: string, from: string, to: string) {
  const buckets = new Array<number>(100).fill(0);
  const scores: number[] = [];
  for (const d of docs) {
    if (!inRange(d, from, to)) continue;
    if (`${d.model.name}@${d.model.version}` === model) scores.push(d.score);
    if (d.challenger && `${d.challenger.name}@${d.challenger.version}` === model)
      scores.push(d.challenger.score);
  }
  for (const s of scores) buckets[Math.min(99, Math.floor(s * 100))]! += 1;
  return { count: scores.length, sum: scores.reduce((a, b) => a + b, 0), buckets };
}

/** Every analytics read of a ScoreStore against figures computed here from the raw data set. */
export function analyticsContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`ScoreStore analytics contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ScoreStore;
    const batches = analyticsDataSet();
    const docs = firstWrites(batches);
    const from = '2026-03-01';
    const to = '2026-03-31';

    beforeAll(async () => {
      subject = await makeStore();
      store = subject.store;
      for (const batch of batches) await store.write(batch);
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    it('counts each stored event once per type, first write winning', async () => {
      const expected = new Map<string, number>();
      for (const d of docs.filter((d) => inRange(d, '2026-03-02', '2026-03-20')))
        expected.set(d.type, (expected.get(d.type) ?? 0) + 1);
      const counts = await store.eventsByType('2026-03-02', '2026-03-20');
      expect(new Map(counts.filter((c) => c.events > 0).map((c) => [c.type, c.events]))).toEqual(
        expected,
      );
      expect(counts.some((c) => c.type === 'rescored')).toBe(false);
    });

    it('counts distinct active users per day, late days included', async () => {
      const series = await store.dailyActiveUsers(from, to);
      for (const { day, activeUsers } of series) {
        const users = new Set(docs.filter((d) => d.day === day).map((d) => d.userId));
        expect({ day, activeUsers }).toEqual({ day, activeUsers: users.size });
      }
      expect(series.find((s) => s.day === '2026-03-01')?.activeUsers).toBe(1);
    });

    it('gives each model its score histogram, challenger scores included', async () => {
      for (const model of ['baseline@1', 'baseline@2', 'candidate@7']) {
        const [n, v] = model.split('@') as [string, string];
        const got = await store.scoreHistogram({ name: n, version: v }, '2026-03-05', '2026-03-25');
        const want = expectedHistogram(docs, model, '2026-03-05', '2026-03-25');
        expect(got?.buckets).toEqual(want.buckets);
        expect(got?.count).toBe(want.count);
        expect(got?.sum).toBeCloseTo(want.sum, 9);
      }
      // baseline@9 only re-scored an event already stored: known, but it counts nothing.
      expect(await store.scoreHistogram({ name: 'baseline', version: '9' }, from, to)).toEqual(
        expect.objectContaining({ count: 0 }),
      );
      expect(
        await store.scoreHistogram({ name: 'nobody', version: '1' }, from, to),
      ).toBeUndefined();
      const none = await store.scoreHistogram(
        { name: 'baseline', version: '1' },
        '2025-01-01',
        '2025-01-31',
      );
      expect(none?.count).toBe(0);
    });

    it('builds day cohorts by first stored event, a late event moving its user earlier', async () => {
      const query = { start: FIRST_DAY, intervalDays: 1, cohorts: 10, windows: 6 };
      const cohorts = await store.retention(query);
      expect(cohorts).toEqual(expectedRetention(docs, query));
      expect(cohorts[0]).toMatchObject({ cohort: FIRST_DAY, size: 1 });
      expect(cohorts[1]?.size).toBe(1);
    });

    it('builds week cohorts counted from start', async () => {
      const query = { start: '2026-02-27', intervalDays: 7, cohorts: 3, windows: 3 };
      const cohorts = await store.retention(query);
      expect(cohorts).toEqual(expectedRetention(docs, query));
      expect(cohorts.reduce((n, c) => n + c.size, 0)).toBe(new Set(docs.map((d) => d.userId)).size);
    });

    it('summarises a user from first to last event, with the newest document', async () => {
      for (const userId of ['user-3', 'user-40', 'user-11']) {
        const mine = docs.filter((d) => d.userId === userId);
        const times = mine.map((d) => d.occurredAt).sort();
        const newest = [...mine].sort((a, b) =>
          a.occurredAt === b.occurredAt
            ? b.eventId.localeCompare(a.eventId)
            : b.occurredAt.localeCompare(a.occurredAt),
        )[0];
        expect(await store.userSummary(userId)).toEqual({
          userId,
          linkedIds: [],
          firstSeen: times[0],
          lastSeen: times.at(-1),
          events: mine.length,
          activeDays: new Set(mine.map((d) => d.day)).size,
          latest: newest,
        });
      }
      expect(await store.userSummary('nobody')).toBeUndefined();
    });

    it('changes no figure when every batch is delivered again', async () => {
      const before = await Promise.all([
        store.eventsByType(from, to),
        store.dailyActiveUsers(from, to),
        store.retention({ start: FIRST_DAY, intervalDays: 1, cohorts: 10, windows: 6 }),
        store.userSummary('user-3'),
        store.scoreHistogram({ name: 'candidate', version: '7' }, from, to),
      ]);
      // A redelivered batch, the re-scored copy and the late events, again (the batches that
      // exercise every rollup; all of them again would only cost time on the Cosmos test server).
      for (const batch of [batches[0]!, batches[5]!, batches[6]!]) await store.write(batch);
      const after = await Promise.all([
        store.eventsByType(from, to),
        store.dailyActiveUsers(from, to),
        store.retention({ start: FIRST_DAY, intervalDays: 1, cohorts: 10, windows: 6 }),
        store.userSummary('user-3'),
        store.scoreHistogram({ name: 'candidate', version: '7' }, from, to),
      ]);
      const sorted = (x: typeof before) => [
        [...x[0]].sort((a, b) => a.type.localeCompare(b.type)),
        ...x.slice(1),
      ];
      expect(sorted(after)).toEqual(sorted(before));
    });
  });
}
