import type { CosmosClient, JSONObject, OperationInput } from '@azure/cosmos';

import type { ScoredEvent } from '../../core/event.js';
import type { ScorePage, ScoreStore, UserScoresQuery, WriteResult } from '../../ports.js';
import { createCosmosAddScores } from './addCosmosScores.js';
import {
  activityContainer,
  dailyEventsContainer,
  deadLetterContainer,
  scoresContainer,
  usersContainer,
} from './containers.js';
import { createAnalyticsReader, createAnalyticsWriter } from './cosmosAnalytics.js';
import { createCosmosDayDocuments, markDays } from './cosmosDayDocuments.js';
import { type BulkRetryPolicy, defaultBulkRetryPolicy, executeBulk } from './executeBulk.js';
import { openContainer } from './openContainer.js';

export interface CosmosStoreOptions {
  database: string;
  scoresContainer: string;
  activityContainer: string;
  /** Per-day event summaries, cohort memberships and rollups (partition /day). */
  dailyEventsContainer?: string;
  /** Each user's first stored day (partition /userId). */
  usersContainer?: string;
  /** Created along with the others when createIfMissing; the dead-letter sink writes to it. */
  deadLetterContainer?: string;
  createIfMissing: boolean;
  bulkRetry?: BulkRetryPolicy;
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
  const analytics = { activity, dailyEvents, users, scores };
  const reader = createAnalyticsReader(analytics);
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
    return {
      ...outcome,
      written,
      alreadyStored: docs.length - written,
      firsts: [...firsts.values()],
    };
  };

  const writeActivity = async (docs: readonly ScoredEvent[]) => {
    const seen = new Set<string>();
    const operations: OperationInput[] = [];
    for (const { day, userId } of docs) {
      const key = JSON.stringify([day, userId]);
      if (seen.has(key)) continue;
      seen.add(key);
      operations.push({
        operationType: 'Create',
        partitionKey: day,
        resourceBody: { id: userId, day, userId },
      });
    }
    const outcome = await executeBulk(activity, operations, bulkRetry);
    // 409: the user was already counted that day.
    const bad = unexpected(outcome.statusCodes, [201, 409]);
    if (bad.length > 0) throw new CosmosWriteError(options.activityContainer, bad);
    return outcome;
  };

  const userScores = async (query: UserScoresQuery): Promise<ScorePage> => {
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

  return {
    async write(docs): Promise<WriteResult> {
      if (docs.length === 0) return { written: 0, alreadyStored: 0, requests: 0, throttled: 0 };
      const writer = createAnalyticsWriter(analytics, bulkRetry);
      const [scored, active] = await Promise.all([
        writeScores(docs),
        writeActivity(docs),
        writer.noteModels(docs),
      ]);
      // After the scores, so what the rollups count is stored; every step repeats safely.
      await writer.write(scored.firsts);
      // Last, so a day's mark changes only once its documents are there (the Parquet compaction).
      const marked = await markDays(
        dailyEvents,
        docs.map((d) => d.day),
        bulkRetry,
      );
      return {
        written: scored.written,
        alreadyStored: scored.alreadyStored,
        requests: scored.requests + active.requests + writer.counted.requests + marked.requests,
        throttled:
          scored.throttled + active.throttled + writer.counted.throttled + marked.throttled,
      };
    },

    userScores,

    dailyActiveUsers: (from, to) => reader.dailyActiveUsers(from, to),
    eventsByType: (from, to) => reader.eventsByType(from, to),
    scoreHistogram: (model, from, to) => reader.scoreHistogram(model, from, to),
    retention: (query) => reader.retention(query),

    async userSummary(userId) {
      const [activityOf, page] = await Promise.all([
        reader.userActivity(userId),
        userScores({ userId, limit: 1 }),
      ]);
      const latest = page.items[0];
      if (activityOf === undefined || latest === undefined) return undefined;
      return { userId, ...activityOf, latest };
    },

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
