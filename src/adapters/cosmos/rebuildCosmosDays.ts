import type { Container, CosmosClient, OperationInput } from '@azure/cosmos';

import type { ScoredEvent } from '../../core/event.js';
import type { RebuildOutcome, RebuildProgress } from '../../core/time/rebuildProgress.js';
import { createZoneClock } from '../../core/time/zoneClock.js';
import { MODELS_PARTITION } from './cosmosAnalytics.js';
import { type CosmosStoreOptions, createCosmosStore } from './cosmosStore.js';
import {
  cosmosStoreZone,
  deleteMeta,
  META_PARTITION,
  readMeta,
  type RebuildRecord,
  writeMeta,
} from './cosmosStoreZone.js';
import { defaultBulkRetryPolicy, executeBulk } from './executeBulk.js';

interface CosmosRebuild extends RebuildRecord {
  phase: 'clear' | 'fill';
  /** The last eventId rebuilt: pages go in id order, so a resumed rebuild starts after it. */
  after: string;
}

const PAGE = 500;

/**
 * Recomputes every document's `day` and every rollup in `zone` on Cosmos DB: records the rebuild
 * (the store refuses to open meanwhile), empties the day-keyed containers (daily activity, users'
 * first days, daily events but for the store's records and models), then takes the scores in
 * eventId order a page at a time: each document is replaced with its new day and written again
 * through the store's own write path (creates and minimums: safe to repeat), and the last eventId
 * is recorded. Stopped anywhere, it resumes from the record. Cost: a read and two writes per stored
 * document plus the analytics writes of a fresh ingest; the scores are read across partitions,
 * which only this command does.
 */
export async function rebuildCosmosDays(
  client: CosmosClient,
  options: CosmosStoreOptions,
  zone: string,
  onProgress?: (p: RebuildProgress) => void,
): Promise<RebuildOutcome> {
  const clock = createZoneClock(zone);
  const store = await createCosmosStore(client, { ...options, timeZone: undefined });
  const database = client.database(options.database);
  const scores = database.container(options.scoresContainer);
  const activity = database.container(options.activityContainer);
  const dailyEvents = database.container(options.dailyEventsContainer ?? 'daily-events');
  const users = database.container(options.usersContainer ?? 'users');
  const retry = options.bulkRetry ?? defaultBulkRetryPolicy;

  const { resources: counted } = await scores.items
    .query<number>('SELECT VALUE COUNT(1) FROM c')
    .fetchAll();
  const total = counted[0] ?? 0;
  const from = await cosmosStoreZone(dailyEvents);
  let state = await readMeta<CosmosRebuild>(dailyEvents, 'rebuild');
  const resumed = state !== undefined;
  if (state !== undefined && state.zone !== clock.zone)
    throw new Error(
      `a rebuild into ${state.zone} is under way; finish it first with --timezone ${state.zone}`,
    );
  if (state === undefined) {
    if (from === clock.zone || from === undefined) {
      await writeMeta(dailyEvents, 'timezone', { zone: clock.zone });
      return { from, zone: clock.zone, documents: 0, resumed: false };
    }
    state = { zone: clock.zone, phase: 'clear', after: '', done: 0 };
    await writeMeta(dailyEvents, 'rebuild', state);
  }

  if (state.phase === 'clear') {
    await clear(activity, 'SELECT TOP @n c.id, c.day AS pk FROM c', retry);
    await clear(users, 'SELECT TOP @n c.id, c.userId AS pk FROM c', retry);
    await clear(
      dailyEvents,
      `SELECT TOP @n c.id, c.day AS pk FROM c WHERE c.day != '${META_PARTITION}' AND c.day != '${MODELS_PARTITION}'`,
      retry,
    );
    state = { ...state, phase: 'fill' };
    await writeMeta(dailyEvents, 'rebuild', state);
    onProgress?.({ zone: clock.zone, phase: 'clear', done: 0, total });
  }

  for (;;) {
    const { resources } = await scores.items
      .query<Record<string, unknown>>({
        query: 'SELECT TOP @n * FROM c WHERE c.id > @after ORDER BY c.id',
        parameters: [
          { name: '@n', value: PAGE },
          { name: '@after', value: state.after },
        ],
      })
      .fetchAll();
    if (resources.length === 0) break;
    const docs = resources.map((r) => {
      const doc = Object.fromEntries(
        Object.entries(r).filter(([key]) => key !== 'id' && !key.startsWith('_')),
      ) as unknown as ScoredEvent;
      return { ...doc, day: clock.dayOf(doc.occurredAt) };
    });
    const replaced = await executeBulk(
      scores,
      docs.map((doc): OperationInput => ({
        operationType: 'Upsert',
        partitionKey: doc.userId,
        resourceBody: { ...doc, id: doc.eventId },
      })),
      retry,
    );
    const bad = replaced.statusCodes.filter((code) => code !== 200 && code !== 201);
    if (bad.length > 0)
      throw new Error(`Cosmos DB scores rebuild failed with status ${bad.join(', ')}`);
    await store.write(docs);
    state = { ...state, after: docs.at(-1)!.eventId, done: state.done + docs.length };
    await writeMeta(dailyEvents, 'rebuild', state);
    onProgress?.({ zone: clock.zone, phase: 'fill', done: state.done, total });
  }
  await writeMeta(dailyEvents, 'timezone', { zone: clock.zone });
  await deleteMeta(dailyEvents, 'rebuild');
  onProgress?.({ zone: clock.zone, phase: 'done', done: state.done, total });
  return { from, zone: clock.zone, documents: state.done, resumed };
}

/** Deletes what the query lists, a page at a time, until it lists nothing. */
async function clear(
  container: Container,
  query: string,
  retry: typeof defaultBulkRetryPolicy,
): Promise<void> {
  for (;;) {
    const { resources } = await container.items
      .query<{ id: string; pk: string }>({ query, parameters: [{ name: '@n', value: PAGE }] })
      .fetchAll();
    if (resources.length === 0) return;
    const outcome = await executeBulk(
      container,
      resources.map((r) => ({ operationType: 'Delete', id: r.id, partitionKey: r.pk })),
      retry,
    );
    const bad = outcome.statusCodes.filter((code) => code !== 204 && code !== 404);
    if (bad.length > 0)
      throw new Error(`Cosmos DB clear of ${container.id} failed with ${bad.join(', ')}`);
  }
}
