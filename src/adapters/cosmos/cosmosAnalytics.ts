import { randomUUID } from 'node:crypto';

import type { Container, OperationInput } from '@azure/cosmos';

import { countRetention, retentionSpan } from '../../core/analytics/retentionIntervals.js';
import { emptyHistogram, fineBucket } from '../../core/analytics/scoreBins.js';
import type { ScoredEvent } from '../../core/event.js';
import { daysBetween, fromDayNumber } from '../../core/time/calendarDay.js';
import { trendUserOf } from '../../core/trends/trendUserOf.js';
import type {
  EventTypeCount,
  ModelRef,
  RetentionCohort,
  RetentionQuery,
  ScoreHistogram,
} from '../../ports/index.js';
import { cosmosIdOf } from './cosmosIdOf.js';
import {
  BATCH_KIND,
  batchDocuments,
  dayEvents,
  type DayRow,
  EVENT_KIND,
  modelKey,
} from './dailyBatchDocument.js';
import { type BulkOutcome, type BulkRetryPolicy, executeBulk } from './executeBulk.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';
import { noWriteMemo, type WriteMemo } from './writeMemo.js';

/*
 * The daily-events container, partitioned by day, holds per day:
 *   k 'b'  one document per day of each write, listing its events (dailyBatchDocument.ts); the
 *          older per-event documents (k 'e', id = eventId) written before it are still read
 *   k 'c'  one per user whose first stored event is that day (cohort membership),
 *          id '~c:<cosmosIdOf(userId)>'
 *   k 's'  '~stale': a new random generation each time a write touches the day
 *   k 'r'  '~rollup': the day's figures and the generation they were built from
 * and partition '~models' one document per model that ever scored an event. A reader refreshes a
 * day's rollup from its own partition when the generations differ (TimescaleDB's continuous
 * aggregates, with the refresh window being the days written since the last read).
 */
export const MODELS_PARTITION = '~models';
const STALE_ID = '~stale';
const ROLLUP_ID = '~rollup';
export const memberId = (userId: string) => `~c:${cosmosIdOf(userId)}`;
const DAY_CONCURRENCY = 8;
const MAX_COHORT_ROUNDS = 5;

export interface AnalyticsContainers {
  activity: Container;
  dailyEvents: Container;
  users: Container;
  scores: Container;
}

export interface DayRollup {
  gen: string | null;
  users: number;
  types: Record<string, number>;
  /** Distinct users per type (trends); a rollup built before it existed is refreshed. */
  typeUsers?: Record<string, number>;
  models: Record<string, ScoreHistogram>;
}

/**
 * A per-event document of a day's partition, written by a link's move (cosmosIdentity.ts) for an
 * event first recorded under the anonymous id: `mv` makes it count over the batch document's entry
 * (dayEvents in dailyBatchDocument.ts), so the day counts the event for the person.
 */
export function movedEventDoc(
  d: Pick<ScoredEvent, 'eventId' | 'day' | 'userId' | 'type' | 'model' | 'score' | 'challenger'>,
  storedUnder: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: d.eventId,
    day: d.day,
    k: EVENT_KIND,
    mv: 1,
    pk: storedUnder,
    u: d.userId,
    t: d.type,
    m: modelKey(d.model),
    s: d.score,
  };
  if (d.challenger) Object.assign(body, { cm: modelKey(d.challenger), cs: d.challenger.score });
  return body;
}

/** A new generation for the day: its rollup is rebuilt on the next read. */
export const staleMarkDoc = (day: string) => ({ id: STALE_ID, day, k: 's', gen: randomUUID() });
const emptyRollup = (): DayRollup => ({
  gen: null,
  users: 0,
  types: {},
  typeUsers: {},
  models: {},
});

export class CosmosAnalyticsError extends Error {
  constructor(what: string, codes: number[]) {
    super(`Cosmos DB ${what} failed with status ${[...new Set(codes)].join(', ')}`);
    this.name = 'CosmosAnalyticsError';
  }
}

function expect(outcome: BulkOutcome, what: string, allowed: readonly number[]): void {
  const bad = outcome.statusCodes.filter((code) => !allowed.includes(code));
  if (bad.length > 0) throw new CosmosAnalyticsError(what, bad);
}

/**
 * The analytics half of a write: run after the scores are stored; every step is safe to repeat.
 * `memo` skips the user reads, activity and model writes this process has already seen stored.
 */
export function createAnalyticsWriter(
  c: AnalyticsContainers,
  retry: BulkRetryPolicy,
  memo: WriteMemo = noWriteMemo,
) {
  const counted = { requests: 0, throttled: 0 };
  const bulk = async (container: Container, ops: OperationInput[], what: string, ok: number[]) => {
    if (ops.length === 0) return { statusCodes: [], resources: [], requests: 0, throttled: 0 };
    const outcome = await executeBulk(container, ops, retry);
    counted.requests += outcome.requests;
    counted.throttled += outcome.throttled;
    expect(outcome, what, ok);
    return outcome;
  };

  /** Moves each user's cohort membership to the earliest day stored; min is idempotent, unlike incr. */
  const placeCohorts = async (earliest: Map<string, string>) => {
    // A first day only moves earlier, so one remembered at or before the batch's needs no read.
    let pending = [...earliest.keys()].filter((id) => {
      const known = memo.get(`u:${id}`);
      return known === undefined || earliest.get(id)! < known;
    });
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_COHORT_ROUNDS) throw new CosmosAnalyticsError('cohort update (412)', [412]);
      const read = await bulk(
        c.users,
        pending.map((id) => ({ operationType: 'Read', id: cosmosIdOf(id), partitionKey: id })),
        'users read',
        [200, 404],
      );
      const moves: { userId: string; to: string; from?: string; etag?: string }[] = [];
      pending.forEach((userId, i) => {
        const doc = read.resources[i] as { firstDay?: string; _etag?: string } | undefined;
        const day = earliest.get(userId)!;
        if (read.statusCodes[i] === 404) moves.push({ userId, to: day });
        else if (doc?.firstDay !== undefined && day < doc.firstDay)
          moves.push({ userId, to: day, from: doc.firstDay, etag: doc._etag });
        else if (doc?.firstDay !== undefined) memo.set(`u:${userId}`, doc.firstDay);
      });
      // Membership first, then the old one removed, then the user's record: a crash anywhere leaves
      // the record naming the old day, so the redelivered batch repeats every step.
      await bulk(
        c.dailyEvents,
        moves.map((m) => ({
          operationType: 'Create',
          partitionKey: m.to,
          resourceBody: { id: memberId(m.userId), day: m.to, k: 'c', u: m.userId },
        })),
        'cohort membership',
        [201, 409],
      );
      const leaving = moves.filter((m) => m.from !== undefined);
      await bulk(
        c.dailyEvents,
        leaving.map((m) => ({
          operationType: 'Delete',
          id: memberId(m.userId),
          partitionKey: m.from!,
        })),
        'cohort move',
        [204, 404],
      );
      const recorded = await bulk(
        c.users,
        moves.map((m) =>
          m.etag === undefined
            ? {
                operationType: 'Create',
                partitionKey: m.userId,
                resourceBody: { id: cosmosIdOf(m.userId), userId: m.userId, firstDay: m.to },
              }
            : {
                operationType: 'Replace',
                id: cosmosIdOf(m.userId),
                partitionKey: m.userId,
                ifMatch: m.etag,
                resourceBody: { id: cosmosIdOf(m.userId), userId: m.userId, firstDay: m.to },
              },
        ),
        'users write',
        [200, 201, 409, 412],
      );
      // Another writer got there first: read again; the membership placed here is left for the
      // next round to keep (still the earliest) or remove.
      const lost = moves.filter((_, i) => [409, 412].includes(recorded.statusCodes[i]!));
      moves.forEach((m, i) => {
        if ([200, 201].includes(recorded.statusCodes[i]!)) memo.set(`u:${m.userId}`, m.to);
      });
      if (lost.length > 0) await dropLosers(lost.map((m) => m));
      pending = lost.map((m) => m.userId);
    }
  };

  const dropLosers = async (lost: { userId: string; to: string }[]) => {
    const read = await bulk(
      c.users,
      lost.map((m) => ({
        operationType: 'Read',
        id: cosmosIdOf(m.userId),
        partitionKey: m.userId,
      })),
      'users read',
      [200, 404],
    );
    const stale = lost.filter((m, i) => {
      const firstDay = (read.resources[i] as { firstDay?: string } | undefined)?.firstDay;
      return firstDay !== undefined && firstDay < m.to;
    });
    await bulk(
      c.dailyEvents,
      stale.map((m) => ({ operationType: 'Delete', id: memberId(m.userId), partitionKey: m.to })),
      'cohort move',
      [204, 404],
    );
  };

  return {
    counted,
    placeCohorts,
    /** Records the models of every document handed to a write, stored or not: they are then known. */
    async noteModels(docs: readonly ScoredEvent[]): Promise<void> {
      const models = new Set(
        docs
          .flatMap((d) => [modelKey(d.model), ...(d.challenger ? [modelKey(d.challenger)] : [])])
          .filter((key) => memo.get(`m:${key}`) === undefined),
      );
      await bulk(
        c.dailyEvents,
        [...models].map((id) => ({
          operationType: 'Create',
          partitionKey: MODELS_PARTITION,
          resourceBody: { id, day: MODELS_PARTITION, k: 'm' },
        })),
        'models',
        [201, 409],
      );
      for (const key of models) memo.set(`m:${key}`, '1');
    },

    /** `created`: the eventIds this write stored (scores answered 201); absent, all of them. */
    /** `storedUnder`: eventId → the userId its document is stored under, where a link re-attributed it. */
    async write(
      docs: readonly ScoredEvent[],
      created?: ReadonlySet<string>,
      storedUnder?: ReadonlyMap<string, string>,
    ): Promise<void> {
      // One document per day of the batch, not one per event (~5 RU each): dailyBatchDocument.ts.
      const events: OperationInput[] = batchDocuments(docs, created, storedUnder).map((doc) => ({
        operationType: 'Create',
        partitionKey: doc.day,
        resourceBody: doc as never,
      }));
      await bulk(c.dailyEvents, events, 'daily events', [201, 409]);
      // Marked after the events exist, for every day of the batch (stored before or not), so a
      // redelivery after a crash between the two still marks the day.
      const days = [...new Set(docs.map((d) => d.day))];
      const earliest = new Map<string, string>();
      for (const d of docs) {
        const day = earliest.get(d.userId);
        if (day === undefined || d.day < day) earliest.set(d.userId, d.day);
      }
      await Promise.all([
        bulk(
          c.dailyEvents,
          days.map((day) => ({
            operationType: 'Upsert',
            partitionKey: day,
            resourceBody: staleMarkDoc(day),
          })),
          'stale marks',
          [200, 201],
        ),
        placeCohorts(earliest),
      ]);
    },
  };
}

const readDoc = async <T>(container: Container, id: string, pk: string): Promise<T | undefined> => {
  const { resource } = await container.item(id, pk).read<T & { id: string }>();
  return resource;
};

/*
 * Every query names its partition key value both as the option (real Cosmos DB routes on it) and in
 * WHERE (the test server ignores the option and would answer from every partition).
 */

/** The analytics reads; every request is a point read or a query inside one day's or one user's partition. */
export function createAnalyticsReader(c: AnalyticsContainers) {
  const refresh = async (day: string, gen: string): Promise<DayRollup> => {
    const { resources: rows } = await c.dailyEvents.items
      .query<DayRow>(
        {
          query:
            'SELECT c.id, c.k, c.mv, c.u, c.t, c.m, c.s, c.cm, c.cs, c.ms, c.ev FROM c ' +
            'WHERE c.day = @day AND (c.k = @e OR c.k = @b)',
          parameters: [
            { name: '@day', value: day },
            { name: '@e', value: EVENT_KIND },
            { name: '@b', value: BATCH_KIND },
          ],
        },
        { partitionKey: day },
      )
      .fetchAll();
    const resources = dayEvents(rows);
    const rollup: DayRollup = { gen, users: 0, types: {}, typeUsers: {}, models: {} };
    const users = new Set<string>();
    const typeUsers = new Set<string>();
    const add = (model: string, score: number) => {
      const h = (rollup.models[model] ??= emptyHistogram());
      h.count += 1;
      h.sum += score;
      h.buckets[fineBucket(score)]! += 1;
    };
    for (const e of resources) {
      users.add(e.u);
      rollup.types[e.t] = (rollup.types[e.t] ?? 0) + 1;
      const typeUser = JSON.stringify([e.t, trendUserOf({ userId: e.u })]);
      if (!typeUsers.has(typeUser)) {
        typeUsers.add(typeUser);
        rollup.typeUsers![e.t] = (rollup.typeUsers![e.t] ?? 0) + 1;
      }
      add(e.m, e.s);
      if (e.cm !== undefined && e.cs !== undefined) add(e.cm, e.cs);
    }
    rollup.users = users.size;
    await c.dailyEvents.items.upsert({ id: ROLLUP_ID, day, k: 'r', ...rollup });
    return rollup;
  };

  const rollupOf = async (day: string): Promise<DayRollup> => {
    const [stale, rollup] = await Promise.all([
      readDoc<{ gen: string }>(c.dailyEvents, STALE_ID, day),
      readDoc<DayRollup>(c.dailyEvents, ROLLUP_ID, day),
    ]);
    if (stale === undefined) return emptyRollup();
    if (rollup !== undefined && rollup.gen === stale.gen && rollup.typeUsers) return rollup;
    return refresh(day, stale.gen);
  };

  const rollups = (from: string, to: string) =>
    mapWithConcurrency(daysBetween(from, to), DAY_CONCURRENCY, rollupOf);

  const idsOf = async (container: Container, day: string, query: string): Promise<string[]> => {
    const { resources } = await container.items
      .query<string>(
        {
          query,
          parameters: [
            { name: '@day', value: day },
            { name: '@k', value: 'c' },
          ],
        },
        { partitionKey: day },
      )
      .fetchAll();
    return resources;
  };

  return {
    /** Each day's rollup, in the order given (trends reads the days of its periods). */
    dayRollups: (days: readonly string[]) =>
      mapWithConcurrency([...days], DAY_CONCURRENCY, rollupOf),

    async dailyActiveUsers(from: string, to: string) {
      const days = daysBetween(from, to);
      const all = await rollups(from, to);
      return days.map((day, i) => ({ day, activeUsers: all[i]!.users }));
    },

    async eventsByType(from: string, to: string): Promise<EventTypeCount[]> {
      const totals = new Map<string, number>();
      for (const r of await rollups(from, to))
        for (const [type, n] of Object.entries(r.types))
          totals.set(type, (totals.get(type) ?? 0) + n);
      return [...totals].map(([type, events]) => ({ type, events }));
    },

    async scoreHistogram(model: ModelRef, from: string, to: string) {
      const key = modelKey(model);
      if ((await readDoc(c.dailyEvents, key, MODELS_PARTITION)) === undefined) return undefined;
      const total = emptyHistogram();
      for (const r of await rollups(from, to)) {
        const h = r.models[key];
        if (!h) continue;
        total.count += h.count;
        total.sum += h.sum;
        h.buckets.forEach((n, i) => (total.buckets[i]! += n));
      }
      return total;
    },

    async retention(query: RetentionQuery): Promise<RetentionCohort[]> {
      const span = retentionSpan(query);
      const cohortDays = Array.from({ length: query.cohorts * query.intervalDays }, (_, i) =>
        fromDayNumber(span.from + i),
      );
      const spanDays = Array.from({ length: span.to - span.from }, (_, i) =>
        fromDayNumber(span.from + i),
      );
      const [members, active] = await Promise.all([
        mapWithConcurrency(cohortDays, DAY_CONCURRENCY, (day) =>
          idsOf(c.dailyEvents, day, 'SELECT VALUE c.u FROM c WHERE c.day = @day AND c.k = @k'),
        ),
        mapWithConcurrency(
          spanDays,
          DAY_CONCURRENCY,
          async (day) =>
            new Set(
              await idsOf(c.activity, day, 'SELECT VALUE c.userId FROM c WHERE c.day = @day'),
            ),
        ),
      ]);
      // A move caught half way lists a user twice: the earlier day is the true first one.
      const firstDay = new Map<string, number>();
      members.forEach((ids, i) => {
        for (const id of ids) if (!firstDay.has(id)) firstDay.set(id, span.from + i);
      });
      return countRetention(
        query,
        [...firstDay].map(([userId, first]) => ({
          firstDay: first,
          activeIn: (from: number, to: number) => {
            for (let d = from; d < to; d += 1) if (active[d - span.from]?.has(userId)) return true;
            return false;
          },
        })),
      );
    },

    /** Events, days and first/last seen from the user's own partition of scores: one query. */
    async userActivity(userId: string) {
      const { resources } = await c.scores.items
        .query<{ day: string; occurredAt: string }>(
          {
            query: 'SELECT c.day, c.occurredAt FROM c WHERE c.userId = @userId',
            parameters: [{ name: '@userId', value: userId }],
          },
          { partitionKey: userId },
        )
        .fetchAll();
      if (resources.length === 0) return undefined;
      let firstSeen = resources[0]!.occurredAt;
      let lastSeen = firstSeen;
      const days = new Set<string>();
      for (const r of resources) {
        if (r.occurredAt < firstSeen) firstSeen = r.occurredAt;
        if (r.occurredAt > lastSeen) lastSeen = r.occurredAt;
        days.add(r.day);
      }
      return { firstSeen, lastSeen, events: resources.length, days };
    },
  };
}
