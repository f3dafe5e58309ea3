import { createHash, randomUUID } from 'node:crypto';

import type { Container, OperationInput } from '@azure/cosmos';

import type { ScoredEvent } from '../../core/event.js';
import { dayNumber, daysBetween, fromDayNumber } from '../../core/time/calendarDay.js';
import { periodEnd, periodKey, type TrendInterval } from '../../core/trends/trendPeriods.js';
import { trendUserOf } from '../../core/trends/trendUserOf.js';
import type { TrendCount, TrendQuery } from '../../ports/index.js';
import { CosmosAnalyticsError, type DayRollup } from './cosmosAnalytics.js';
import { type BulkRetryPolicy, executeBulk } from './executeBulk.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';

/*
 * Trends of weeks and months live in the daily-events container too, in one logical partition per
 * period (partition key value `w:<Monday>` or `m:<1st>`, beside the day partitions):
 *   k 'u'  a first-seen marker per type × user, id = a hash of both, created once (201 or 409)
 *   k 's'  '~stale', a new generation at each write touching the period (after its markers)
 *   k 'r'  '~rollup', distinct users per type and the generation they were counted from
 * Events per type, and a day's distinct users per type, come from the day rollups. Markers are
 * creates, never increments, so a redelivery, replay or re-run import counts nobody twice.
 */
const STALE_ID = '~stale';
const ROLLUP_ID = '~rollup';
const PERIOD_CONCURRENCY = 8;
const MARKED: readonly TrendInterval[] = ['week', 'month'];

interface PeriodRollup {
  gen: string;
  users: Record<string, number>;
}

const markerId = (type: string, user: string) =>
  createHash('sha256')
    .update(JSON.stringify([type, user]))
    .digest('base64url');

/** Markers and stale marks for the weeks and months of a write's first documents. */
export function createTrendsWriter(dailyEvents: Container, retry: BulkRetryPolicy) {
  const counted = { requests: 0, throttled: 0 };
  const bulk = async (ops: OperationInput[], what: string, ok: number[]) => {
    if (ops.length === 0) return;
    const outcome = await executeBulk(dailyEvents, ops, retry);
    counted.requests += outcome.requests;
    counted.throttled += outcome.throttled;
    const bad = outcome.statusCodes.filter((code) => !ok.includes(code));
    if (bad.length > 0) throw new CosmosAnalyticsError(what, bad);
  };
  return {
    counted,
    async write(docs: readonly ScoredEvent[]): Promise<void> {
      const markers = new Map<string, OperationInput>();
      const periods = new Set<string>();
      for (const doc of docs) {
        const user = trendUserOf(doc);
        for (const interval of MARKED) {
          const p = periodKey(interval, doc.day);
          periods.add(p);
          const id = markerId(doc.type, user);
          markers.set(`${p}\n${id}`, {
            operationType: 'Create',
            partitionKey: p,
            resourceBody: { id, day: p, k: 'u', t: doc.type },
          });
        }
      }
      await bulk([...markers.values()], 'trend markers', [201, 409]);
      await bulk(
        [...periods].map((p) => ({
          operationType: 'Upsert',
          partitionKey: p,
          resourceBody: { id: STALE_ID, day: p, k: 's', gen: randomUUID() },
        })),
        'trend stale marks',
        [200, 201],
      );
    },
  };
}

/**
 * What a link's move (cosmosIdentity.ts) writes for the weeks and months of the alias's events: the
 * person's markers (201, or 409 when the person was seen there too), then the alias's deleted, then
 * the periods marked stale, so their distinct users are recounted once. Every step repeats safely.
 */
export function trendMarkerMoves(
  events: readonly { type: string; day: string }[],
  aliasId: string,
  personId: string,
): { creates: OperationInput[]; deletes: OperationInput[]; stales: OperationInput[] } {
  const pairs = new Map<string, { p: string; type: string }>();
  for (const e of events)
    for (const interval of MARKED) {
      const p = periodKey(interval, e.day);
      pairs.set(JSON.stringify([p, e.type]), { p, type: e.type });
    }
  const periods = new Set([...pairs.values()].map((x) => x.p));
  return {
    creates: [...pairs.values()].map(({ p, type }) => ({
      operationType: 'Create',
      partitionKey: p,
      resourceBody: {
        id: markerId(type, trendUserOf({ userId: personId })),
        day: p,
        k: 'u',
        t: type,
      },
    })),
    deletes: [...pairs.values()].map(({ p, type }) => ({
      operationType: 'Delete',
      partitionKey: p,
      id: markerId(type, trendUserOf({ userId: aliasId })),
    })),
    stales: [...periods].map((p) => ({
      operationType: 'Upsert',
      partitionKey: p,
      resourceBody: { id: STALE_ID, day: p, k: 's', gen: randomUUID() },
    })),
  };
}

/** Trends from day rollups (events; a day's users) and period rollups (a week's or month's users). */
export function createTrendsReader(
  dailyEvents: Container,
  dayRollups: (days: readonly string[]) => Promise<DayRollup[]>,
) {
  const read = async <T>(id: string, p: string): Promise<T | undefined> => {
    const { resource } = await dailyEvents.item(id, p).read<T & { id: string }>();
    return resource;
  };

  const periodUsers = async (p: string): Promise<Record<string, number>> => {
    const [stale, rollup] = await Promise.all([
      read<{ gen: string }>(STALE_ID, p),
      read<PeriodRollup>(ROLLUP_ID, p),
    ]);
    if (stale === undefined) return {};
    if (rollup !== undefined && rollup.gen === stale.gen) return rollup.users;
    const { resources } = await dailyEvents.items
      .query<string>(
        {
          query: 'SELECT VALUE c.t FROM c WHERE c.day = @p AND c.k = @k',
          parameters: [
            { name: '@p', value: p },
            { name: '@k', value: 'u' },
          ],
        },
        { partitionKey: p },
      )
      .fetchAll();
    const users: Record<string, number> = {};
    for (const t of resources) users[t] = (users[t] ?? 0) + 1;
    await dailyEvents.items.upsert({ id: ROLLUP_ID, day: p, k: 'r', gen: stale.gen, users });
    return users;
  };

  return async (query: TrendQuery & { measure?: 'events' | 'users' }): Promise<TrendCount[]> => {
    const { interval, periods, types } = query;
    const first = periods[0];
    const last = periods.at(-1);
    if (first === undefined || last === undefined) return [];
    const counts = new Map<string, TrendCount>();
    const entry = (type: string, period: string) => {
      const key = `${period}\n${type}`;
      let c = counts.get(key);
      if (!c) counts.set(key, (c = { type, period, events: 0, users: 0 }));
      return c;
    };
    if (query.measure !== 'users' || interval === 'day') {
      const days = daysBetween(first, fromDayNumber(periodEnd(interval, dayNumber(last)) - 1));
      const rollups = await dayRollups(days);
      const periodOf = (day: string) => periodKey(interval, day).slice(2);
      rollups.forEach((r, i) => {
        const day = days[i]!;
        for (const type of types) {
          const events = r.types[type] ?? 0;
          const users = interval === 'day' ? (r.typeUsers?.[type] ?? 0) : 0;
          if (events === 0 && users === 0) continue;
          const c = entry(type, periodOf(day));
          c.events += events;
          c.users += users;
        }
      });
    }
    if (interval !== 'day' && query.measure !== 'events') {
      const all = await mapWithConcurrency(periods, PERIOD_CONCURRENCY, (start) =>
        periodUsers(`${interval[0]}:${start}`),
      );
      all.forEach((users, i) => {
        for (const type of types) if (users[type]) entry(type, periods[i]!).users = users[type];
      });
    }
    return [...counts.values()];
  };
}
