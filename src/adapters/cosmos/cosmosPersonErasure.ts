import type { Container, OperationInput, SqlQuerySpec } from '@azure/cosmos';

import { archiveHour } from '../../core/archive/archiveHour.js';
import type { ScoredEvent } from '../../core/event.js';
import { fingerprint } from '../../core/privacy/deletion/fingerprint.js';
import { receivedBy } from '../../core/privacy/deletion/receivedBy.js';
import type { ErasureLocation, ErasureStep, PersonErasure } from '../../ports/index.js';
import {
  type AnalyticsContainers,
  CosmosAnalyticsError,
  createAnalyticsWriter,
  memberId,
  staleMarkDoc,
} from './cosmosAnalytics.js';
import { markDays } from './cosmosDayDocuments.js';
import type { createCosmosIdentity } from './cosmosIdentity.js';
import { cosmosIdOf } from './cosmosIdOf.js';
import { createTrendsWriter, trendMarkerMoves } from './cosmosTrends.js';
import { BATCH_KIND, type DayRow, EVENT_KIND } from './dailyBatchDocument.js';
import { type BulkOutcome, type BulkRetryPolicy, executeBulk } from './executeBulk.js';
import { mapWithConcurrency } from './mapWithConcurrency.js';
import { noWriteMemo, type WriteMemo } from './writeMemo.js';

/*
 * Erasing a set of ids (a person with every id linked to it) from the Cosmos DB store. Nothing is
 * recorded about the progress: each call finds what is left from the documents themselves, so a
 * call after a crash anywhere starts again from what is still there, and every operation is a
 * create, a delete (404 taken as done), an upsert or a replace guarded by its ETag.
 *
 * A call with documents still to delete (received at or before the cut-off) takes whole days of
 * them, oldest first, until it has at least `batchDocuments`, and for those days:
 *   1. rewrites each batch document ('b') of the day's daily-events partition without the entries of
 *      the ids (deleting it when none is left), deletes their per-event and moved documents ('e'),
 *      their activity documents, their cohort memberships ('c'), their trend markers in the weeks
 *      and months of those days, then marks the days and periods stale (their rollups are rebuilt
 *      from the partitions on the next read) and gives the days a new change mark (Parquet);
 *   2. deletes the scores documents.
 * A crash between 1 and 2 leaves the documents, which the next call finds and takes again. Entries
 * of the ids' kept documents (received later) on those days go too: they are written back at the end.
 * When none is left to delete, the last call clears the days of the kept documents the same way,
 * deletes the ids' first-day records (users) and memberships on those days, every document of the
 * ids' partitions of identities (links, moved marks, alias lists, profiles; group profiles are in
 * partitions of their own and stay), then runs the analytics half of the write for the kept
 * documents, attributed as if new (the links of the erased ids are gone; a kept event carrying a
 * link records it again), and answers more: false. Called again, it does that last part again.
 * An id linked to one of the persons after the ids were resolved (a login after the request; the
 * ledger applied again after a restore) is not erased, but its documents count for the person: the
 * last call recounts them with the kept documents, and its link is recorded again from the kept
 * event that carries it.
 *
 * Costs (requests; RU as Cosmos DB charges them):
 *   - per id, one query in its scores partition per call projecting id, day, type and receivedAt
 *     (a partition scan: ~3 RU per 1,000 documents plus ~0.1 RU per document returned; the test
 *     server charges 1 per request);
 *   - per link read, one bulk read of the ids' link documents, 1 RU each;
 *   - per touched day, one query inside its daily-events partition returning the 'e' and 'b'
 *     documents that hold one of the ids (the entries are not indexed, so the service reads the
 *     day's documents, as a rollup refresh of that day does, but sends back only those), a replace
 *     per batch document holding one of them (~10 RU per 50 KB document), a delete per 'e' one;
 *   - per touched day and id, a delete of its activity and membership documents (~5 RU; ~1 when
 *     there is none), per touched week/month, type and id a trend marker delete;
 *   - per day and period, an upsert of its stale mark and one of its change mark (~10 RU each);
 *   - per document, a delete through the bulk API (~5 RU, 100 per request). With
 *     `deleteByPartitionKey`, an id that keeps no document and whose documents all go in one call
 *     has its scores partition deleted by its key instead (`deleteAllItemsForPartitionKey`: one
 *     request, the RU charged in the background, a preview feature behind an account flag); where
 *     that is refused (the flag is off; the test server answers 400), the bulk deletes. It is off
 *     in the store: an event of the id written between the listing and that delete (received after
 *     the cut-off, to be kept) would go too while its rollup entries stay, and it saves requests,
 *     not RU. It is safe where nothing of the id can arrive meanwhile (a suppressed id);
 *   - last call: per id a link read and a query of its person's linked ids, a read and a delete
 *     of its users document, a query listing its identities partition and a delete per document
 *     there; then the write's analytics for the kept documents (a bulk read of them first).
 * Measured on the test server (1 RU a request): one user's 100 events on 5 days, 2 calls and 24
 * requests; 2,000 events on 20 days, 3 calls and 80 requests.
 *
 * `userIds` must be whole persons (core/privacy/deletion/resolveErasedIds.ts): an id's events count
 * for its person, whose activity, membership and markers on those days are removed with them.
 */

const DEFAULT_BATCH_DOCUMENTS = 1000;
const CONCURRENCY = 8;
const MAX_DAY_ROUNDS = 5;

export interface PersonErasureOptions {
  retry: BulkRetryPolicy;
  /** Documents a call deletes at least (whole days of them), when that many are left. */
  batchDocuments?: number;
  /** The store's memo of what it saw stored: what the erasure deletes is forgotten. */
  memo?: WriteMemo;
  /** Deletes a scores partition by its key where all of it goes (see above); off by default. */
  deleteByPartitionKey?: boolean;
  /** Told each time a whole scores partition is deleted by its key, or the bulk deletes replace it. */
  onPartitionDelete?: (outcome: 'partition' | 'fallback') => void;
}

interface DocRef {
  eventId: string;
  /** The scores partition the document is stored under. */
  storedUnder: string;
  day: string;
  type: string;
  receivedAt: string;
}

interface Counter {
  requests: number;
}

type Identity = Pick<ReturnType<typeof createCosmosIdentity>, 'attribute' | 'store'>;

export function createCosmosPersonErasure(
  c: AnalyticsContainers & { identities: Container },
  identity: Identity,
  options: PersonErasureOptions,
): PersonErasure {
  const batchDocuments = options.batchDocuments ?? DEFAULT_BATCH_DOCUMENTS;
  const memo = options.memo ?? noWriteMemo;

  const bulk = async (
    container: Container,
    ops: OperationInput[],
    what: string,
    ok: readonly number[],
    counter: Counter,
  ): Promise<BulkOutcome> => {
    if (ops.length === 0) return { statusCodes: [], resources: [], requests: 0, throttled: 0 };
    const outcome = await executeBulk(container, ops, options.retry);
    counter.requests += outcome.requests;
    const bad = outcome.statusCodes.filter((code) => !ok.includes(code));
    if (bad.length > 0) throw new CosmosAnalyticsError(what, bad);
    return outcome;
  };

  /** A query inside one partition, a page (one request) at a time. */
  const query = async <T>(
    container: Container,
    spec: SqlQuerySpec,
    partitionKey: string,
    counter: Counter,
  ): Promise<T[]> => {
    const pages = container.items.query<T>(spec, { partitionKey, maxItemCount: 1000 });
    const out: T[] = [];
    while (pages.hasMoreResults()) {
      const { resources } = await pages.fetchNext();
      counter.requests += 1;
      out.push(...resources);
    }
    return out;
  };

  const documentsOf = async (userId: string, counter: Counter): Promise<DocRef[]> => {
    const rows = await query<{ id: string; day: string; type: string; receivedAt: string }>(
      c.scores,
      {
        query: 'SELECT c.id, c.day, c.type, c.receivedAt FROM c WHERE c.userId = @id',
        parameters: [{ name: '@id', value: userId }],
      },
      userId,
      counter,
    );
    return rows.map((r) => ({
      eventId: r.id,
      storedUnder: userId,
      day: r.day,
      type: r.type,
      receivedAt: r.receivedAt,
    }));
  };

  /** The person each id is linked to (itself when none): one bulk read of the link documents. */
  const personsOf = async (ids: readonly string[], counter: Counter) => {
    const read = await bulk(
      c.identities,
      ids.map((id) => ({ operationType: 'Read', id: 'link', partitionKey: id })),
      'links read',
      [200, 404],
      counter,
    );
    const persons = new Map<string, string>();
    ids.forEach((id, i) => {
      const link = read.resources[i] as { personId?: string } | undefined;
      persons.set(id, read.statusCodes[i] === 200 && link?.personId ? link.personId : id);
    });
    return persons;
  };

  /** Rewrites one day's 'b' documents without the ids' entries and deletes their 'e' documents. */
  const clearDay = async (
    day: string,
    ids: readonly string[],
    isErased: (userId: string | undefined, eventId: string) => boolean,
    counter: Counter,
  ) => {
    for (let round = 0; ; round += 1) {
      if (round === MAX_DAY_ROUNDS) throw new CosmosAnalyticsError('erasure rewrite (412)', [412]);
      const rows = await query<DayRow & { _etag: string; day: string }>(
        c.dailyEvents,
        {
          // Only the documents holding one of the ids come back (the filter runs in the service).
          query:
            'SELECT * FROM c WHERE c.day = @day AND (' +
            '(c.k = @b AND EXISTS(SELECT VALUE e FROM e IN c.ev ' +
            'WHERE ARRAY_CONTAINS(@ids, e[1]) OR ARRAY_CONTAINS(@ids, e[8]))) OR ' +
            '(c.k = @e AND (ARRAY_CONTAINS(@ids, c.u) OR ARRAY_CONTAINS(@ids, c.pk))))',
          parameters: [
            { name: '@day', value: day },
            { name: '@e', value: EVENT_KIND },
            { name: '@b', value: BATCH_KIND },
            { name: '@ids', value: [...ids] },
          ],
        },
        day,
        counter,
      );
      const ops: OperationInput[] = [];
      for (const row of rows) {
        if (row.k === EVENT_KIND) {
          const pk = (row as { pk?: string }).pk;
          if (isErased(row.u, row.id) || (pk !== undefined && isErased(pk, row.id)))
            ops.push({ operationType: 'Delete', id: row.id, partitionKey: day });
          continue;
        }
        const ev = row.ev ?? [];
        const left = ev.filter((e) => !isErased(e[1], e[0]) && !isErased(e[8], e[0]));
        if (left.length === ev.length) continue;
        if (left.length === 0) {
          ops.push({ operationType: 'Delete', id: row.id, partitionKey: day });
          continue;
        }
        ops.push({
          operationType: 'Replace',
          id: row.id,
          partitionKey: day,
          ifMatch: row._etag,
          resourceBody: { id: row.id, day, k: BATCH_KIND, ms: row.ms ?? [], ev: left },
        });
      }
      // 404: removed by an earlier, interrupted call; 412: changed since read (read the day again).
      const outcome = await bulk(
        c.dailyEvents,
        ops,
        'erasure rewrite',
        [200, 204, 404, 412],
        counter,
      );
      if (!outcome.statusCodes.includes(412)) return;
    }
  };

  /**
   * Takes every trace of the ids out of the analytics of `days`: their entries, activity, cohort
   * memberships and trend markers (for the types and periods of `docs`), then marks the days and
   * periods stale. `owners` of a document: the id it is stored under and the person it counted for.
   */
  const clearAnalytics = async (
    docs: readonly DocRef[],
    erased: ReadonlySet<string>,
    eventIds: ReadonlySet<string>,
    persons: ReadonlyMap<string, string>,
    counter: Counter,
  ) => {
    const days = [...new Set(docs.map((d) => d.day))].sort();
    if (days.length === 0) return;
    const isErased = (userId: string | undefined, eventId: string) =>
      eventIds.has(eventId) || (userId !== undefined && erased.has(userId));
    await mapWithConcurrency(days, CONCURRENCY, (day) =>
      clearDay(day, [...erased], isErased, counter),
    );

    const ownersOf = (d: DocRef) => [...new Set([d.storedUnder, persons.get(d.storedUnder)!])];
    const dayOwners = new Map<string, { day: string; owner: string }>();
    const byOwner = new Map<string, DocRef[]>();
    for (const d of docs)
      for (const owner of ownersOf(d)) {
        dayOwners.set(JSON.stringify([d.day, owner]), { day: d.day, owner });
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), d]);
      }
    const pairs = [...dayOwners.values()];
    const trendDeletes: OperationInput[] = [];
    const periodStales = new Map<string, OperationInput>();
    for (const [owner, mine] of byOwner) {
      const moves = trendMarkerMoves(mine, owner, owner);
      trendDeletes.push(...moves.deletes);
      for (const op of moves.stales) periodStales.set(op.partitionKey as string, op);
    }
    await Promise.all([
      bulk(
        c.activity,
        pairs.map(({ day, owner }) => ({
          operationType: 'Delete',
          id: cosmosIdOf(owner),
          partitionKey: day,
        })),
        'erasure activity',
        [204, 404],
        counter,
      ),
      bulk(
        c.dailyEvents,
        [
          ...pairs.map(({ day, owner }): OperationInput => ({
            operationType: 'Delete',
            id: memberId(owner),
            partitionKey: day,
          })),
          ...trendDeletes,
        ],
        'erasure memberships and markers',
        [204, 404],
        counter,
      ),
    ]);
    // Forgotten once deleted: the keys of cosmosStore.ts (activity) and cosmosAnalytics.ts (first days).
    for (const { day, owner } of pairs) memo.forget(`a:${JSON.stringify([day, owner])}`);
    for (const owner of byOwner.keys()) memo.forget(`u:${owner}`);
    await bulk(
      c.dailyEvents,
      [
        ...days.map((day): OperationInput => ({
          operationType: 'Upsert',
          partitionKey: day,
          resourceBody: staleMarkDoc(day),
        })),
        ...periodStales.values(),
      ],
      'erasure stale marks',
      [200, 201],
      counter,
    );
    counter.requests += (await markDays(c.dailyEvents, days, options.retry)).requests;
  };

  /** Deletes scores documents; a whole partition by its key when all of an id's go at once. */
  const deleteScores = async (
    doomed: readonly DocRef[],
    wholePartitions: readonly string[],
    counter: Counter,
  ): Promise<number> => {
    const whole = new Set<string>();
    for (const userId of wholePartitions) {
      try {
        counter.requests += 1;
        await c.scores.deleteAllItemsForPartitionKey(userId);
        whole.add(userId);
        options.onPartitionDelete?.('partition');
      } catch {
        options.onPartitionDelete?.('fallback');
      }
    }
    const rest = doomed.filter((d) => !whole.has(d.storedUnder));
    const outcome = await bulk(
      c.scores,
      rest.map((d) => ({ operationType: 'Delete', id: d.eventId, partitionKey: d.storedUnder })),
      'erasure scores',
      [204, 404],
      counter,
    );
    // 404: deleted by a call that crashed before answering; it counted them.
    return doomed.length - rest.length + outcome.statusCodes.filter((code) => code === 204).length;
  };

  /** The ids' first-day records and the cohort memberships they name. */
  const clearUsers = async (ids: readonly string[], counter: Counter) => {
    const read = await bulk(
      c.users,
      ids.map((id) => ({ operationType: 'Read', id: cosmosIdOf(id), partitionKey: id })),
      'erasure users read',
      [200, 404],
      counter,
    );
    const members: OperationInput[] = [];
    ids.forEach((id, i) => {
      const firstDay = (read.resources[i] as { firstDay?: string } | undefined)?.firstDay;
      if (read.statusCodes[i] === 200 && firstDay !== undefined)
        members.push({ operationType: 'Delete', id: memberId(id), partitionKey: firstDay });
    });
    await bulk(c.dailyEvents, members, 'erasure memberships', [204, 404], counter);
    await bulk(
      c.users,
      ids.map((id) => ({ operationType: 'Delete', id: cosmosIdOf(id), partitionKey: id })),
      'erasure users',
      [204, 404],
      counter,
    );
    for (const id of ids) memo.forget(`u:${id}`);
  };

  /** Every document of the ids' identities partitions; group profiles live under other keys. */
  const clearIdentities = async (ids: readonly string[], counter: Counter) => {
    const found = (
      await mapWithConcurrency(ids, CONCURRENCY, async (id) =>
        (
          await query<{ id: string }>(
            c.identities,
            {
              query: 'SELECT c.id FROM c WHERE c.userId = @id',
              parameters: [{ name: '@id', value: id }],
            },
            id,
            counter,
          )
        ).map((r) => ({ id: r.id, pk: id })),
      )
    ).flat();
    const outcome = await bulk(
      c.identities,
      found.map((d) => ({ operationType: 'Delete', id: d.id, partitionKey: d.pk })),
      'erasure identities',
      [204, 404],
      counter,
    );
    const deleted = (name: string) =>
      found.filter((d, i) => d.id === name && outcome.statusCodes[i] === 204).length;
    return { profiles: deleted('profile'), identityLinks: deleted('link') };
  };

  /** Ids linked to the ids' persons that are not among the ids: a point read and a query per id. */
  const linkedSince = async (
    ids: readonly string[],
    erased: ReadonlySet<string>,
    counter: Counter,
  ) => {
    const found = await mapWithConcurrency(ids, CONCURRENCY, async (id) => {
      counter.requests += 2;
      const { personId, linkedIds } = await identity.store.person(id);
      return erased.has(personId) ? linkedIds.filter((one) => !erased.has(one)) : [];
    });
    return [...new Set(found.flat())].sort();
  };

  /** The link and moved marks of ids linked since: the kept events carrying the links record them again. */
  const clearLinks = async (ids: readonly string[], counter: Counter) => {
    await bulk(
      c.identities,
      ids.flatMap((id): OperationInput[] => [
        { operationType: 'Delete', id: 'link', partitionKey: id },
        { operationType: 'Delete', id: 'moved', partitionKey: id },
      ]),
      'erasure links',
      [204, 404],
      counter,
    );
  };

  /** The analytics half of a write for the kept documents, as new: every step repeats safely. */
  const writeKept = async (kept: readonly DocRef[], counter: Counter) => {
    if (kept.length === 0) return;
    const read = await bulk(
      c.scores,
      kept.map((d) => ({ operationType: 'Read', id: d.eventId, partitionKey: d.storedUnder })),
      'erasure kept read',
      [200, 404],
      counter,
    );
    const docs = read.resources.flatMap((r) =>
      r
        ? [
            Object.fromEntries(
              Object.entries(r).filter(([key]) => key !== 'id' && !key.startsWith('_')),
            ) as unknown as ScoredEvent,
          ]
        : [],
    );
    // No memo: what this process remembers as stored may be what was just deleted.
    const writer = createAnalyticsWriter(c, options.retry, noWriteMemo);
    const persons = await identity.attribute(docs, writer);
    const trends = createTrendsWriter(c.dailyEvents, options.retry);
    const attributed = docs.map(persons.attribute);
    const activity = new Map<string, OperationInput>();
    for (const { day, userId } of attributed)
      activity.set(JSON.stringify([day, userId]), {
        operationType: 'Create',
        partitionKey: day,
        resourceBody: { id: cosmosIdOf(userId), day, userId },
      });
    await Promise.all([
      bulk(c.activity, [...activity.values()], 'erasure activity', [201, 409], counter),
      writer.write(
        attributed,
        new Set(docs.map((d) => d.eventId)),
        new Map(docs.map((d) => [d.eventId, d.userId])),
      ),
      trends.write(attributed),
    ]);
    await persons.settle();
    const marked = await markDays(
      c.dailyEvents,
      docs.map((d) => d.day),
      options.retry,
    );
    counter.requests +=
      writer.counted.requests +
      persons.counted.requests +
      trends.counted.requests +
      marked.requests;
  };

  return {
    async locate(userIds, receivedUpTo): Promise<ErasureLocation> {
      const counter = { requests: 0 };
      const isDoomed = receivedBy(receivedUpTo);
      const rows = (
        await mapWithConcurrency([...new Set(userIds)], CONCURRENCY, (userId) =>
          query<{ day: string; receivedAt: string }>(
            c.scores,
            {
              query: 'SELECT c.day, c.receivedAt FROM c WHERE c.userId = @id',
              parameters: [{ name: '@id', value: userId }],
            },
            userId,
            counter,
          ),
        )
      )
        .flat()
        .filter(isDoomed);
      return {
        archiveHours: [...new Set(rows.map((r) => archiveHour(r.receivedAt)))].sort(),
        days: [...new Set(rows.map((r) => r.day))].sort(),
      };
    },

    async erase(userIds, receivedUpTo): Promise<ErasureStep> {
      const counter: Counter = { requests: 0 };
      const ids = [...new Set(userIds)];
      const erased = new Set(ids);
      const isDoomed = receivedBy(receivedUpTo);
      const [persons, all] = await Promise.all([
        personsOf(ids, counter),
        mapWithConcurrency(ids, CONCURRENCY, (id) => documentsOf(id, counter)).then((d) =>
          d.flat(),
        ),
      ]);
      const eventIds = new Set(all.map((d) => d.eventId));
      const doomed = all.filter(isDoomed);
      if (doomed.length > 0) {
        const perDay = new Map<string, number>();
        for (const d of doomed) perDay.set(d.day, (perDay.get(d.day) ?? 0) + 1);
        const days = new Set<string>();
        let taken = 0;
        for (const day of [...perDay.keys()].sort()) {
          if (taken >= batchDocuments) break;
          days.add(day);
          taken += perDay.get(day)!;
        }
        const now = doomed.filter((d) => days.has(d.day));
        await clearAnalytics(now, erased, eventIds, persons, counter);
        // An id whose every document goes now and keeps none: its partition, deleted by its key.
        const partial = new Set(
          all.filter((d) => !isDoomed(d) || !days.has(d.day)).map((d) => d.storedUnder),
        );
        const whole = options.deleteByPartitionKey
          ? [...new Set(now.map((d) => d.storedUnder))].filter((id) => !partial.has(id))
          : [];
        const documents = await deleteScores(now, whole, counter);
        return {
          documents,
          profiles: 0,
          identityLinks: 0,
          requests: counter.requests,
          more: true,
        };
      }
      // Everything received up to the cut-off is gone: the kept documents are counted again, as new,
      // with those of any id linked to the persons since the ids were resolved (a later login; a
      // restore applying the ledger again), whose documents count for them: none is deleted.
      const since = await linkedSince(ids, erased, counter);
      const [sinceDocs, sincePersons] = await Promise.all([
        mapWithConcurrency(since, CONCURRENCY, (id) => documentsOf(id, counter)).then((d) =>
          d.flat(),
        ),
        personsOf(since, counter),
      ]);
      const recount = [...all, ...sinceDocs].sort((a, b) =>
        a.receivedAt === b.receivedAt
          ? a.eventId < b.eventId
            ? -1
            : 1
          : Date.parse(a.receivedAt) - Date.parse(b.receivedAt),
      );
      await clearAnalytics(
        recount,
        new Set([...erased, ...since]),
        new Set(recount.map((d) => d.eventId)),
        new Map([...persons, ...sincePersons]),
        counter,
      );
      await clearUsers([...ids, ...since], counter);
      const { profiles, identityLinks } = await clearIdentities(ids, counter);
      await clearLinks(since, counter);
      await writeKept(recount, counter);
      return { documents: 0, profiles, identityLinks, requests: counter.requests, more: false };
    },

    async idsMatching(fingerprints): Promise<string[]> {
      if (fingerprints.size === 0) return [];
      const found = new Set<string>();
      // Cross-partition reads of two small containers (a document per user; a few per linked id
      // and person): a request per physical partition and page of 1,000, ~2.8 RU per KB read. Every
      // id with a stored event has one of them: a person its users record, a linked id its link.
      for (const container of [c.users, c.identities]) {
        const pages = container.items.query<{ userId: string }>('SELECT c.userId FROM c', {
          maxItemCount: 1000,
        });
        while (pages.hasMoreResults()) {
          const { resources } = await pages.fetchNext();
          for (const { userId } of resources)
            if (typeof userId === 'string' && fingerprints.has(fingerprint(userId)))
              found.add(userId);
        }
      }
      return [...found].sort();
    },
  };
}
