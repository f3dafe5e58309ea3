import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScoredEvent } from '../../src/core/event.js';
import { trendPeriods } from '../../src/core/trends/trendPeriods.js';
import type { ScoreStore } from '../../src/ports/index.js';
import { random } from './identityOracle.js';
import type { StoreUnderTest } from './storeContract.js';

/*
 * An independent computation of every figure in a zone: local days come from Intl directly (not
 * from src/core/time), intervals from Date arithmetic on those dates, and each figure is a plain
 * count over the documents a store keeps (the first write of each eventId).
 */
export const ORACLE_ZONES = ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Pacific/Kiritimati'];
const TYPES = ['view', 'click', 'purchase', 'signup', 'share', 'search', 'rate'];

export interface RawEvent {
  eventId: string;
  userId: string;
  type: string;
  occurredAt: string;
  score: number;
  challenger?: number;
}

const HOUR = 3_600_000;
/** Local midnights (and DST changes) of the zones under test, where a day is easiest to get wrong. */
const EDGES = [
  '2026-03-08T08:00:00Z', // New York springs forward (07:00 UTC), Los Angeles midnight
  '2026-03-28T23:00:00Z', // Berlin midnight before its change
  '2026-03-29T01:00:00Z', // Berlin springs forward
  '2026-03-29T22:00:00Z', // Berlin midnight after (a 23-hour day)
  '2026-03-30T10:00:00Z', // Kiritimati midnight (+14)
  '2026-10-24T22:00:00Z', // Berlin midnight before falling back
  '2026-10-25T01:00:00Z', // Berlin falls back
  '2026-10-25T23:00:00Z', // Berlin midnight after (a 25-hour day)
  '2026-11-01T04:00:00Z', // New York midnight before falling back
  '2026-11-01T06:00:00Z', // New York falls back
  '2026-11-01T07:00:00Z', // Los Angeles midnight on its change day
  '2026-11-02T08:00:00Z', // Los Angeles midnight after (a 25-hour day)
].map(Date.parse);

/** Batches as a scorer writes them: events spread over both DST seasons, bunched at midnights. */
export function zoneDataSet(seed = 11): RawEvent[][] {
  const rand = random(seed);
  let n = 0;
  const make = (ms: number, user?: string): RawEvent => {
    n += 1;
    const ev: RawEvent = {
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      userId: user ?? `user-${Math.floor(rand() * 30)}`,
      type: TYPES[Math.floor(rand() * rand() * TYPES.length)]!,
      occurredAt: new Date(ms).toISOString(),
      score: rand() < 0.05 ? 1 : Math.round(rand() * 1e6) / 1e6,
    };
    if (rand() < 0.4) ev.challenger = Math.round(rand() * 1e6) / 1e6;
    return ev;
  };
  const around = () => {
    const edge = EDGES[Math.floor(rand() * EDGES.length)]!;
    // Within a minute of the edge, either side, or a few hours around it.
    return rand() < 0.5
      ? edge + Math.floor((rand() - 0.5) * 120_000)
      : edge + Math.floor((rand() - 0.5) * 30 * HOUR);
  };
  const spread = () =>
    rand() < 0.5
      ? Date.parse('2026-03-01T00:00:00Z') + Math.floor(rand() * 45 * 24 * HOUR)
      : Date.parse('2026-10-15T00:00:00Z') + Math.floor(rand() * 30 * 24 * HOUR);
  const batches: RawEvent[][] = [];
  for (let b = 0; b < 5; b += 1) {
    const batch: RawEvent[] = [];
    for (let i = 0; i < 70; i += 1) batch.push(make(rand() < 0.5 ? around() : spread()));
    batch.push(batch[3]!, batch[4]!); // duplicates inside a batch
    batches.push(batch);
  }
  batches.push([...batches[1]!]); // a redelivered batch
  // Late events: older than their users' first ones, and new users on early days.
  const late = ['user-1', 'user-2', 'user-77', 'user-78'].map((u, i) =>
    make(Date.parse('2026-02-27T23:30:00Z') + i * 13 * HOUR, u),
  );
  batches.push([...late, ...batches[2]!.slice(0, 10)]);
  batches.push(late);
  return batches;
}

/** The document the scorer writes in `zone`, its day from Intl. */
export function toDoc(ev: RawEvent, zone: string): ScoredEvent {
  const doc: ScoredEvent = {
    eventId: ev.eventId,
    userId: ev.userId,
    type: ev.type,
    occurredAt: ev.occurredAt,
    receivedAt: ev.occurredAt,
    day: intlDay(zone, Date.parse(ev.occurredAt)),
    score: ev.score,
    model: { name: 'baseline', version: '1' },
    scoredAt: ev.occurredAt,
  };
  if (ev.challenger !== undefined)
    doc.challenger = { name: 'candidate', version: '7', score: ev.challenger };
  return doc;
}

const formats = new Map<string, Intl.DateTimeFormat>();
export function intlDay(zone: string, ms: number): string {
  let f = formats.get(zone);
  if (!f)
    formats.set(
      zone,
      (f = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      })),
    );
  return f.format(ms);
}

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayIndex = (day: string) => Math.round(dayMs(day) / 86_400_000);
const shift = (day: string, n: number) =>
  new Date(dayMs(day) + n * 86_400_000).toISOString().slice(0, 10);
function intervalStart(interval: 'day' | 'week' | 'month', day: string): string {
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(dayMs(day)).getUTCDay() + 6) % 7;
  return shift(day, -weekday);
}

export function firstWrites(batches: readonly RawEvent[][]): RawEvent[] {
  const kept = new Map<string, RawEvent>();
  for (const ev of batches.flat()) if (!kept.has(ev.eventId)) kept.set(ev.eventId, ev);
  return [...kept.values()];
}

export function oracle(events: readonly RawEvent[], zone: string) {
  const docs = events.map((e) => toDoc(e, zone));
  const byUser = new Map<string, ScoredEvent[]>();
  for (const d of docs) byUser.set(d.userId, [...(byUser.get(d.userId) ?? []), d]);
  const firstDay = (mine: ScoredEvent[]) =>
    [...mine].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))[0]!.day;
  return {
    docs,
    dau(from: string, to: string) {
      const out = [];
      for (let d = from; d <= to; d = shift(d, 1))
        out.push({
          day: d,
          activeUsers: new Set(docs.filter((x) => x.day === d).map((x) => x.userId)).size,
        });
      return out;
    },
    types(from: string, to: string) {
      const m = new Map<string, number>();
      for (const d of docs)
        if (d.day >= from && d.day <= to) m.set(d.type, (m.get(d.type) ?? 0) + 1);
      return m;
    },
    histogram(model: string, from: string, to: string) {
      const buckets = new Array<number>(100).fill(0);
      let count = 0;
      let sum = 0;
      for (const d of docs) {
        if (d.day < from || d.day > to) continue;
        const scores = [];
        if (`${d.model.name}@${d.model.version}` === model) scores.push(d.score);
        if (d.challenger && `${d.challenger.name}@${d.challenger.version}` === model)
          scores.push(d.challenger.score);
        for (const s of scores) {
          buckets[Math.min(99, Math.floor(s * 100))]! += 1;
          count += 1;
          sum += s;
        }
      }
      return { count, sum, buckets };
    },
    retention(start: string, intervalDays: number, cohorts: number, windows: number) {
      const intervalOf = (day: string) =>
        Math.floor((dayIndex(day) - dayIndex(start)) / intervalDays);
      return Array.from({ length: cohorts }, (_, c) => {
        const members = [...byUser.values()].filter((mine) => intervalOf(firstDay(mine)) === c);
        return {
          cohort: shift(start, c * intervalDays),
          size: members.length,
          retained: Array.from(
            { length: windows + 1 },
            (_, k) =>
              members.filter((mine) => mine.some((e) => intervalOf(e.day) === c + k)).length,
          ),
        };
      });
    },
    summary(userId: string) {
      const mine = byUser.get(userId) ?? [];
      const times = mine.map((d) => d.occurredAt).sort();
      return {
        firstSeen: times[0],
        lastSeen: times.at(-1),
        events: mine.length,
        activeDays: new Set(mine.map((d) => d.day)).size,
      };
    },
    trends(interval: 'day' | 'week' | 'month', types: string[]) {
      const out = new Map<string, { events: number; users: Set<string> }>();
      for (const d of docs) {
        if (!types.includes(d.type)) continue;
        const key = `${d.type}\n${intervalStart(interval, d.day)}`;
        const e = out.get(key) ?? { events: 0, users: new Set<string>() };
        e.events += 1;
        e.users.add(d.userId);
        out.set(key, e);
      }
      return out;
    },
  };
}

/** The two seasons of the data set, each with its DST change and the late events. */
const RANGES = [
  ['2026-02-23', '2026-04-19'],
  ['2026-10-12', '2026-11-15'],
] as const;

/** Every figure of a store fed the data set in `zone` against the oracle. */
export function zoneOracleContract(
  name: string,
  zones: readonly string[],
  makeStore: (zone: string) => Promise<StoreUnderTest>,
): void {
  describe.each(zones)(
    `figures in the project's zone: ${name}, %s`,
    (zone) => {
      let subject: StoreUnderTest;
      let store: ScoreStore;
      const batches = zoneDataSet();
      const expected = oracle(firstWrites(batches), zone);

      beforeAll(async () => {
        subject = await makeStore(zone);
        store = subject.store;
        for (const batch of batches) await store.write(batch.map((e) => toDoc(e, zone)));
      }, 120_000);
      afterAll(async () => {
        await subject.cleanup();
      });

      it('DAU and top events per local day', async () => {
        for (const [from, to] of [
          ['2026-02-26', '2026-04-15'],
          ['2026-10-20', '2026-11-05'],
        ] as const) {
          expect(await store.dailyActiveUsers(from, to)).toEqual(expected.dau(from, to));
          const counts = await store.eventsByType(from, to);
          expect(
            new Map(counts.filter((c) => c.events > 0).map((c) => [c.type, c.events])),
          ).toEqual(expected.types(from, to));
        }
        for (const day of ['2026-03-29', '2026-10-25', '2026-11-01', '2026-03-08']) {
          const [got] = await store.dailyActiveUsers(day, day);
          expect(got).toEqual(expected.dau(day, day)[0]);
        }
      });

      it('score distributions per local day', async () => {
        for (const model of ['baseline@1', 'candidate@7']) {
          const [n, v] = model.split('@') as [string, string];
          const got = await store.scoreHistogram(
            { name: n, version: v },
            '2026-03-29',
            '2026-10-25',
          );
          const want = expected.histogram(model, '2026-03-29', '2026-10-25');
          expect(got?.buckets).toEqual(want.buckets);
          expect(got?.count).toBe(want.count);
          expect(got?.sum).toBeCloseTo(want.sum, 9);
        }
      });

      it('retention by local day and by 7 local days', async () => {
        expect(
          await store.retention({ start: '2026-02-26', intervalDays: 1, cohorts: 12, windows: 5 }),
        ).toEqual(expected.retention('2026-02-26', 1, 12, 5));
        expect(
          await store.retention({ start: '2026-03-02', intervalDays: 1, cohorts: 40, windows: 8 }),
        ).toEqual(expected.retention('2026-03-02', 1, 40, 8));
        expect(
          await store.retention({ start: '2026-02-23', intervalDays: 7, cohorts: 8, windows: 6 }),
        ).toEqual(expected.retention('2026-02-23', 7, 8, 6));
        expect(
          await store.retention({ start: '2026-10-19', intervalDays: 7, cohorts: 3, windows: 3 }),
        ).toEqual(expected.retention('2026-10-19', 7, 3, 3));
      });

      it('user summaries count local active days', async () => {
        for (const userId of ['user-1', 'user-2', 'user-5', 'user-77', 'user-20']) {
          expect(await store.userSummary(userId)).toMatchObject({
            userId,
            ...expected.summary(userId),
          });
        }
      });

      it('trends: events and distinct users per type and local day, week and month', async () => {
        const types = ['view', 'click', 'purchase', 'share', 'nothing'];
        for (const interval of ['day', 'week', 'month'] as const) {
          for (const [from, to] of RANGES) {
            const periods = trendPeriods(interval, from, to);
            const counts = await store.trends({ interval, periods, types });
            const want = [...expected.trends(interval, types)].filter(([key]) =>
              periods.includes(key.split('\n')[1]!),
            );
            const got = new Map(
              counts
                .filter((c) => c.events > 0 || c.users > 0)
                .map((c) => [`${c.type}\n${c.period}`, [c.events, c.users]]),
            );
            expect(got).toEqual(new Map(want.map(([key, v]) => [key, [v.events, v.users.size]])));
          }
        }
        // A store may skip the measure not asked for: what it gives for the one asked is exact.
        const want = expected.trends('week', types);
        const periods = trendPeriods('week', ...RANGES[1]);
        for (const measure of ['events', 'users'] as const) {
          const only = await store.trends({ interval: 'week', periods, types, measure });
          expect(only.filter((c) => c[measure] > 0).length).toBeGreaterThan(0);
          for (const c of only) {
            const w = want.get(`${c.type}\n${c.period}`);
            expect([measure, c.type, c.period, c[measure]]).toEqual([
              measure,
              c.type,
              c.period,
              measure === 'events' ? (w?.events ?? 0) : (w?.users.size ?? 0),
            ]);
          }
        }
      });

      it('changes no figure when batches are delivered again', async () => {
        const read = () =>
          Promise.all([
            store.dailyActiveUsers('2026-02-26', '2026-04-15'),
            store.retention({ start: '2026-02-23', intervalDays: 7, cohorts: 8, windows: 6 }),
            store.trends({
              interval: 'week',
              periods: trendPeriods('week', ...RANGES[0]),
              types: ['view'],
            }),
            store.trends({
              interval: 'month',
              periods: trendPeriods('month', ...RANGES[1]),
              types: ['click'],
            }),
          ]);
        const before = await read();
        for (const batch of [batches[0]!, batches.at(-1)!])
          await store.write(batch.map((e) => toDoc(e, zone)));
        const after = await read();
        const sorted = (x: typeof before) =>
          x.map((part) =>
            Array.isArray(part)
              ? [...part].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
              : part,
          );
        expect(sorted(after)).toEqual(sorted(before));
      });
    },
    300_000,
  );
}
