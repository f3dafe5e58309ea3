import { randomUUID } from 'node:crypto';

import type { Container } from '@azure/cosmos';

import type { ScoredEvent } from '../../core/event.js';
import type { DayDocuments, DayMark } from '../../ports/sql.js';
import { BATCH_KIND, EVENT_KIND } from './dailyBatchDocument.js';
import { type BulkRetryPolicy, executeBulk } from './executeBulk.js';

/** The daily-events partition holding one mark per day: { id: day, day: '~changes', k: 'x', gen, at }. */
export const CHANGES_PARTITION = '~changes';
const READ_CHUNK = 500;

/** Drops what Cosmos DB adds: the id copy of eventId and the system properties. */
const toScoredEvent = (resource: Record<string, unknown>): ScoredEvent =>
  Object.fromEntries(
    Object.entries(resource).filter(([key]) => key !== 'id' && !key.startsWith('_')),
  ) as unknown as ScoredEvent;

/** Gives each day a new mark; called after the day's documents are written or changed. ~10 RU a day. */
export async function markDays(
  dailyEvents: Container,
  days: Iterable<string>,
  retry: BulkRetryPolicy,
): Promise<{ requests: number; throttled: number }> {
  const at = new Date().toISOString();
  const ops = [...new Set(days)].map((day) => ({
    operationType: 'Upsert' as const,
    partitionKey: CHANGES_PARTITION,
    resourceBody: { id: day, day: CHANGES_PARTITION, k: 'x', gen: randomUUID(), at },
  }));
  if (ops.length === 0) return { requests: 0, throttled: 0 };
  const outcome = await executeBulk(dailyEvents, ops, retry);
  const bad = outcome.statusCodes.filter((code) => code !== 200 && code !== 201);
  if (bad.length > 0) throw new Error(`Cosmos DB day marks failed with status ${bad.join(', ')}`);
  return { requests: outcome.requests, throttled: outcome.throttled };
}

/**
 * The compaction's reads on Cosmos DB, never across the partitions of scores: the marks are one
 * query inside the `~changes` partition (a document per day); a day's documents are the event ids
 * its daily-events partition lists (one query in that partition), then point reads of each
 * document in its user's partition through the bulk API (~1 RU per KB-sized document).
 */
export function createCosmosDayDocuments(
  c: { dailyEvents: Container; scores: Container },
  retry: BulkRetryPolicy,
): DayDocuments {
  return {
    async dayMarks(): Promise<DayMark[]> {
      const { resources } = await c.dailyEvents.items
        .query<{ id: string; gen: string; at: string }>(
          {
            query: 'SELECT c.id, c.gen, c.at FROM c WHERE c.day = @day AND c.k = @k',
            parameters: [
              { name: '@day', value: CHANGES_PARTITION },
              { name: '@k', value: 'x' },
            ],
          },
          { partitionKey: CHANGES_PARTITION },
        )
        .fetchAll();
      return resources.map((r) => ({ day: r.id, gen: r.gen, changedAt: r.at }));
    },

    async *documentsOfDay(day: string): AsyncIterable<ScoredEvent> {
      // Per-event summaries ('e', and those a link's move wrote) and batch documents ('b') list the
      // day's events with the partition their document is stored under (dailyBatchDocument.ts).
      const iterator = c.dailyEvents.items.query<{
        id: string;
        k: string;
        u?: string;
        pk?: string;
        ev?: unknown[][];
      }>(
        {
          query:
            'SELECT c.id, c.k, c.u, c.pk, c.ev FROM c WHERE c.day = @day AND (c.k = @e OR c.k = @b)',
          parameters: [
            { name: '@day', value: day },
            { name: '@e', value: EVENT_KIND },
            { name: '@b', value: BATCH_KIND },
          ],
        },
        { partitionKey: day, maxItemCount: READ_CHUNK },
      );
      const seen = new Set<string>();
      while (iterator.hasMoreResults()) {
        const { resources } = await iterator.fetchNext();
        const listed = resources.flatMap((r): { id: string; u: string }[] =>
          r.k === BATCH_KIND
            ? (r.ev ?? []).map((e) => ({ id: String(e[0]), u: String(e[8] ?? e[1]) }))
            : r.u !== undefined
              ? [{ id: r.id, u: r.pk ?? r.u }]
              : [],
        );
        const ids = listed.filter((r) => !seen.has(r.id));
        for (const r of ids) seen.add(r.id);
        if (ids.length === 0) continue;
        const outcome = await executeBulk(
          c.scores,
          ids.map((r) => ({ operationType: 'Read' as const, id: r.id, partitionKey: r.u })),
          retry,
        );
        const bad = outcome.statusCodes.filter((code) => code !== 200 && code !== 404);
        if (bad.length > 0) throw new Error(`Cosmos DB reads failed with status ${bad.join(', ')}`);
        // 404: the document was deleted after its summary (privacy): it is no longer stored.
        for (const resource of outcome.resources) if (resource) yield toScoredEvent(resource);
      }
    },
  };
}
