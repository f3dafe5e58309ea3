import type { CosmosClient, JSONObject, OperationInput } from '@azure/cosmos';

import type { ScoredEvent } from '../../core/event.js';
import { mergeScorePages } from '../../core/identity/mergeScorePages.js';
import { StoreZoneError } from '../../core/time/storeZoneError.js';
import type {
  Logger,
  ScorePage,
  ScoreStore,
  UserScoresQuery,
  WriteResult,
} from '../../ports/index.js';
import { createCosmosAddScores } from './addCosmosScores.js';
import {
  activityContainer,
  dailyEventsContainer,
  deadLetterContainer,
  identitiesContainer,
  scoresContainer,
  usersContainer,
} from './containers.js';
import { createAnalyticsReader, createAnalyticsWriter } from './cosmosAnalytics.js';
import { createCosmosDayDocuments, markDays } from './cosmosDayDocuments.js';
import { createCosmosIdentity } from './cosmosIdentity.js';
import { cosmosIdOf } from './cosmosIdOf.js';
import { createCosmosPersonErasure } from './cosmosPersonErasure.js';
import { claimCosmosZone } from './cosmosStoreZone.js';
import { createTrendsReader, createTrendsWriter } from './cosmosTrends.js';
import { type BulkRetryPolicy, defaultBulkRetryPolicy, executeBulk } from './executeBulk.js';
import { openContainer } from './openContainer.js';
import { createWriteMemo, type WriteMemo } from './writeMemo.js';

export interface CosmosStoreOptions {
  database: string;
  scoresContainer: string;
  activityContainer: string;
  /** Per-day event summaries, cohort memberships and rollups (partition /day). */
  dailyEventsContainer?: string;
  /** Each user's first stored day (partition /userId). */
  usersContainer?: string;
  /** Identity links and profiles (partition /userId), see cosmosIdentity.ts. */
  identitiesContainer?: string;
  /** Where refused identity links are reported. */
  logger?: Logger;
  /** Created along with the others when createIfMissing; the dead-letter sink writes to it. */
  deadLetterContainer?: string;
  createIfMissing: boolean;
  bulkRetry?: BulkRetryPolicy;
  /** What this process saw stored, to skip repeated activity writes and user reads (writeMemo.ts). */
  writeMemo?: WriteMemo;
  /** The zone of the documents' days (TIMEZONE): recorded in a new store, checked against one in use. */
  timeZone?: string;
  /** Documents one erasure call deletes at least (cosmosPersonErasure.ts); tests make it small. */
  erasureBatchDocuments?: number;
}

/**
 * Thrown by write when operations come back neither created nor already there (409), e.g. 408 or
 * 503. The caller retries the batch later; every operation is safe to repeat.
 */
export class CosmosWriteError extends Error {
  constructor(
    readonly container: string,
    readonly statusCodes: number[],
  ) {
    super(`Cosmos DB ${container} bulk write failed with status ${statusCodes.join(', ')}`);
    this.name = 'CosmosWriteError';
  }
}

function toDocument(event: ScoredEvent): JSONObject {
  return { ...event, id: event.eventId };
}

/** Drops what Cosmos DB adds: the id copy of eventId and the system properties (_rid, _ts, ...). */
function toScoredEvent(resource: Record<string, unknown>): ScoredEvent {
  const event = Object.fromEntries(
    Object.entries(resource).filter(([key]) => key !== 'id' && !key.startsWith('_')),
  );
  return event as unknown as ScoredEvent;
}

function unexpected(statusCodes: number[], expected: readonly number[]): number[] {
  return [...new Set(statusCodes.filter((code) => !expected.includes(code)))];
}

/**
 * The Cosmos DB store. Scores live in a container partitioned by user, daily activity in one
 * partitioned by day; both are written through the bulk API, and every query stays in one logical
 * partition. The client belongs to the caller, who disposes of it; close() has nothing to release.
 */
export async function createCosmosStore(
  client: CosmosClient,
  options: CosmosStoreOptions,
): Promise<ScoreStore> {
  const { createIfMissing } = options;
  const scores = await openContainer(
    client,
    options.database,
    options.scoresContainer,
    scoresContainer,
    createIfMissing,
  );
  const activity = await openContainer(
    client,
    options.database,
    options.activityContainer,
    activityContainer,
    createIfMissing,
  );
  const dailyEvents = await openContainer(
    client,
    options.database,
    options.dailyEventsContainer ?? 'daily-events',
    dailyEventsContainer,
    createIfMissing,
  );
  const users = await openContainer(
    client,
    options.database,
    options.usersContainer ?? 'users',
    usersContainer,
    createIfMissing,
  );
  const identities = await openContainer(
    client,
    options.database,
    options.identitiesContainer ?? 'identities',
    identitiesContainer,
    createIfMissing,
  );
  // The zone is claimed before the first write; a store in another zone stops startup, while a
  // store that cannot be reached yet lets the host start (its health says so) and is asked again.
  let zoneClaimed: Promise<void> | undefined;
  const claimZone = (): Promise<void> => {
    if (options.timeZone === undefined) return Promise.resolve();
    zoneClaimed ??= claimCosmosZone(dailyEvents, options.timeZone).catch((error: unknown) => {
      zoneClaimed = undefined;
      throw error;
    });
    return zoneClaimed;
  };
  await claimZone().catch((error: unknown) => {
    if (error instanceof StoreZoneError) throw error;
  });
  const analytics = { activity, dailyEvents, users, scores };
  const reader = createAnalyticsReader(analytics);
  const readTrends = createTrendsReader(dailyEvents, reader.dayRollups);
  if (options.deadLetterContainer !== undefined) {
    await openContainer(
      client,
      options.database,
      options.deadLetterContainer,
      deadLetterContainer,
      createIfMissing,
    );
  }
  const bulkRetry = options.bulkRetry ?? defaultBulkRetryPolicy;
  const memo = options.writeMemo ?? createWriteMemo();
  const identity = createCosmosIdentity(
    { ...analytics, identities },
    { retry: bulkRetry, logger: options.logger },
  );
  const dayDocuments = createCosmosDayDocuments({ dailyEvents, scores }, bulkRetry);

  const writeScores = async (docs: readonly ScoredEvent[]) => {
    // The first document of an eventId wins within a call too; the others count as stored.
    const firsts = new Map<string, ScoredEvent>();
    for (const doc of docs) if (!firsts.has(doc.eventId)) firsts.set(doc.eventId, doc);
    const operations: OperationInput[] = [...firsts.values()].map((doc) => ({
      operationType: 'Create',
      partitionKey: doc.userId,
      resourceBody: toDocument(doc),
    }));
    const outcome = await executeBulk(scores, operations, bulkRetry);
    const bad = unexpected(outcome.statusCodes, [201, 409]);
    if (bad.length > 0) throw new CosmosWriteError(options.scoresContainer, bad);
    const written = outcome.statusCodes.filter((code) => code === 201).length;
    const created = new Set([...firsts.keys()].filter((_, i) => outcome.statusCodes[i] === 201));
    const firstDocs = [...firsts.values()];
    return {
      ...outcome,
      written,
      alreadyStored: docs.length - written,
      firsts: firstDocs,
      created,
      stored: await storedVersions(firstDocs, outcome.statusCodes),
    };
  };

  /**
   * The documents as stored: where an eventId was stored already (409), the stored one, read back,
   * so a trends marker never counts a type or user that only a losing copy carried.
   */
  const storedVersions = async (firstDocs: ScoredEvent[], codes: readonly number[]) => {
    const known = firstDocs.filter((_, i) => codes[i] === 409);
    if (known.length === 0) return firstDocs;
    const read = await executeBulk(
      scores,
      known.map((d) => ({ operationType: 'Read', id: d.eventId, partitionKey: d.userId })),
      bulkRetry,
    );
    const bad = unexpected(read.statusCodes, [200]);
    if (bad.length > 0) throw new CosmosWriteError(options.scoresContainer, bad);
    const stored = new Map(
      read.resources.flatMap((r) => {
        if (r === undefined) return [];
        const doc = toScoredEvent(r);
        return [[doc.eventId, doc] as const];
      }),
    );
    return firstDocs.map((d) => stored.get(d.eventId) ?? d);
  };

  const writeActivity = async (docs: readonly ScoredEvent[]) => {
    const seen = new Set<string>();
    const operations: OperationInput[] = [];
    for (const { day, userId } of docs) {
      const key = JSON.stringify([day, userId]);
      // Skipped when this process already saw it stored: a user's later events that day cost nothing.
      if (seen.has(key) || memo.get(`a:${key}`) !== undefined) continue;
      seen.add(key);
      operations.push({
        operationType: 'Create',
        partitionKey: day,
        resourceBody: { id: cosmosIdOf(userId), day, userId },
      });
    }
    const outcome = await executeBulk(activity, operations, bulkRetry);
    // 409: the user was already counted that day.
    const bad = unexpected(outcome.statusCodes, [201, 409]);
    if (bad.length > 0) throw new CosmosWriteError(options.activityContainer, bad);
    for (const key of seen) memo.set(`a:${key}`, '1');
    return outcome;
  };

  const idScores = async (query: UserScoresQuery): Promise<ScorePage> => {
    const conditions = ['c.userId = @userId'];
    const parameters: { name: string; value: string | number }[] = [
      { name: '@userId', value: query.userId },
      { name: '@top', value: query.limit + 1 },
    ];
    if (query.from !== undefined) {
      conditions.push('c.occurredAt >= @from');
      parameters.push({ name: '@from', value: query.from });
    }
    if (query.to !== undefined) {
      conditions.push('c.occurredAt < @to');
      parameters.push({ name: '@to', value: query.to });
    }
    if (query.after !== undefined) {
      conditions.push('(c.occurredAt < @afterAt OR (c.occurredAt = @afterAt AND c.id < @afterId))');
      parameters.push(
        { name: '@afterAt', value: query.after.occurredAt },
        { name: '@afterId', value: query.after.eventId },
      );
    }
    const { resources } = await scores.items
      .query<Record<string, unknown>>(
        {
          query: `SELECT TOP @top * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.occurredAt DESC, c.id DESC`,
          parameters,
        },
        { partitionKey: query.userId, maxItemCount: query.limit + 1 },
      )
      .fetchAll();
    const items = resources.slice(0, query.limit).map(toScoredEvent);
    const last = items.at(-1);
    if (resources.length <= query.limit || last === undefined) return { items };
    return { items, next: { occurredAt: last.occurredAt, eventId: last.eventId } };
  };

  // A person's list: one query in each of their ids' partitions, merged.
  const userScores = async (query: UserScoresQuery): Promise<ScorePage> => {
    const { personId, linkedIds } = await identity.store.person(query.userId);
    if (linkedIds.length === 0) return idScores({ ...query, userId: personId });
    const pages = await Promise.all(
      [personId, ...linkedIds].map(
        async (userId) => (await idScores({ ...query, userId, limit: query.limit + 1 })).items,
      ),
    );
    return mergeScorePages(pages, query.limit);
  };

  return {
    async write(docs): Promise<WriteResult> {
      if (docs.length === 0) return { written: 0, alreadyStored: 0, requests: 0, throttled: 0 };
      await claimZone();
      const writer = createAnalyticsWriter(analytics, bulkRetry, memo);
      const [scored] = await Promise.all([writeScores(docs), writer.noteModels(docs)]);
      // After the scores (a link's move finds them), before the analytics (counted per person);
      // what the rollups count is stored, and every step repeats safely.
      const persons = await identity.attribute(scored.firsts, writer);
      const trends = createTrendsWriter(dailyEvents, bulkRetry);
      const [active] = await Promise.all([
        writeActivity(docs.map(persons.attribute)),
        writer.write(
          scored.firsts.map(persons.attribute),
          scored.created,
          new Map(scored.firsts.map((d) => [d.eventId, d.userId])),
        ),
        trends.write(scored.stored.map(persons.attribute)),
      ]);
      await persons.settle();
      // Last, so a day's mark changes only once its documents are there (the Parquet compaction).
      const marked = await markDays(
        dailyEvents,
        docs.map((d) => d.day),
        bulkRetry,
      );
      return {
        written: scored.written,
        alreadyStored: scored.alreadyStored,
        requests:
          scored.requests +
          active.requests +
          writer.counted.requests +
          persons.counted.requests +
          trends.counted.requests +
          marked.requests,
        throttled:
          scored.throttled +
          active.throttled +
          writer.counted.throttled +
          persons.counted.throttled +
          trends.counted.throttled +
          marked.throttled,
      };
    },

    userScores,

    dailyActiveUsers: (from, to) => reader.dailyActiveUsers(from, to),
    eventsByType: (from, to) => reader.eventsByType(from, to),
    scoreHistogram: (model, from, to) => reader.scoreHistogram(model, from, to),
    retention: (query) => reader.retention(query),
    trends: (query) => readTrends(query),

    async userSummary(id) {
      const { personId: userId, linkedIds } = await identity.store.person(id);
      const ids = [userId, ...linkedIds];
      const [activities, page, profile] = await Promise.all([
        Promise.all(ids.map((one) => reader.userActivity(one))),
        userScores({ userId, limit: 1 }),
        identity.store.profile(userId),
      ]);
      const latest = page.items[0];
      const activityOf = combineActivity(activities);
      if (activityOf === undefined || latest === undefined) return undefined;
      return { userId, linkedIds, ...activityOf, latest, ...(profile && { profile }) };
    },

    identity: identity.store,

    erasure: createCosmosPersonErasure({ ...analytics, identities }, identity, {
      retry: bulkRetry,
      batchDocuments: options.erasureBatchDocuments,
      memo,
    }),

    addScores: createCosmosAddScores(scores, async (days) => {
      await markDays(dailyEvents, days, bulkRetry);
    }),

    dayMarks: () => dayDocuments.dayMarks(),
    documentsOfDay: (day) => dayDocuments.documentsOfDay(day),

    async check() {
      await scores.database.read();
    },

    async close() {},
  };
}

/** One person's activity from each of their ids' (each from its own scores partition). */
function combineActivity(
  parts: readonly (
    { firstSeen: string; lastSeen: string; events: number; days: Set<string> } | undefined
  )[],
) {
  const present = parts.filter((p) => p !== undefined);
  if (present.length === 0) return undefined;
  const days = new Set(present.flatMap((p) => [...p.days]));
  return {
    firstSeen: present.map((p) => p.firstSeen).sort()[0]!,
    lastSeen: present
      .map((p) => p.lastSeen)
      .sort()
      .at(-1)!,
    events: present.reduce((n, p) => n + p.events, 0),
    activeDays: days.size,
  };
}
