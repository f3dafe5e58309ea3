import { createHash } from 'node:crypto';

import type { Container, OperationInput } from '@azure/cosmos';

import type { ScoredEvent } from '../../core/event.js';
import { decideLink } from '../../core/identity/decideLink.js';
import { logRefusedLink } from '../../core/identity/logRefusedLink.js';
import {
  groupProfileWrite,
  joinProfiles,
  normaliseProfile,
  personProfileWrite,
  type ProfileState,
  viewProfile,
} from '../../core/identity/profileState.js';
import type { IdentityStore, Person } from '../../ports/identity.js';
import type { Logger } from '../../ports/index.js';
import { CosmosAnalyticsError, memberId, movedEventDoc, staleMarkDoc } from './cosmosAnalytics.js';
import { cosmosIdOf } from './cosmosIdOf.js';
import { trendMarkerMoves } from './cosmosTrends.js';
import { type BulkRetryPolicy, executeBulk } from './executeBulk.js';

/*
 * The identities container, partitioned by /userId, holds per id:
 *   id 'link'        { personId, via, eventId, at } when the id is linked to a person
 *   id 'moved'       { personId } once everything counted under the id was moved to the person
 *   id 'a-<hash>'    k 'a', { alias } in the person's partition, one per id linked to it
 *   id 'profile'     { state } the person's ProfileState (joined with optimistic concurrency)
 * and, under the partition key groupKey(type, id), a group's 'profile'. Every request is a point
 * operation or a query inside one partition.
 */
const LINK_ID = 'link';
const MOVED_ID = 'moved';
const PROFILE_ID = 'profile';
const MAX_ROUNDS = 8;

/** A key no userId can take: user ids never hold control characters. */
export const groupKey = (type: string, id: string) => `\u001fgroup\u001f${type}\u001f${id}`;
const aliasDocId = (aliasId: string) =>
  `a-${createHash('sha256').update(aliasId).digest('hex').slice(0, 40)}`;

interface LinkDoc {
  personId: string;
  moved?: boolean;
}

export interface IdentityContainers {
  identities: Container;
  scores: Container;
  dailyEvents: Container;
  activity: Container;
  users: Container;
}

/** The part of the analytics writer a move uses: cohort placement keeps the earliest first day. */
export interface CohortPlacer {
  placeCohorts(earliest: Map<string, string>): Promise<void>;
}

export function createCosmosIdentity(
  c: IdentityContainers,
  options: { retry: BulkRetryPolicy; logger?: Logger | undefined },
) {
  /** The link of each id, and for the ids in `moves` whether its move finished: one bulk read. */
  const readLinks = async (
    ids: readonly string[],
    counted: Counter,
    moves: readonly string[] = [],
  ) => {
    const out = new Map<string, LinkDoc | undefined>();
    if (ids.length === 0) return out;
    const read = await bulk(
      c.identities,
      [
        ...ids.map((id) => ({ operationType: 'Read' as const, id: LINK_ID, partitionKey: id })),
        ...moves.map((id) => ({ operationType: 'Read' as const, id: MOVED_ID, partitionKey: id })),
      ],
      'links read',
      [200, 404],
      options.retry,
      counted,
    );
    const moved = new Set(moves.filter((_, i) => read.statusCodes[ids.length + i] === 200));
    ids.forEach((id, i) => {
      const link = read.resources[i] as { personId: string } | undefined;
      out.set(
        id,
        read.statusCodes[i] === 200 && link
          ? { personId: link.personId, moved: moved.has(id) }
          : undefined,
      );
    });
    return out;
  };

  const hasLinks = async (id: string, counted: Counter): Promise<boolean> => {
    counted.requests += 1;
    const { resources } = await c.identities.items
      .query<string>(
        {
          query: 'SELECT TOP 1 VALUE c.id FROM c WHERE c.userId = @id AND c.k = @k',
          parameters: [
            { name: '@id', value: id },
            { name: '@k', value: 'a' },
          ],
        },
        { partitionKey: id },
      )
      .fetchAll();
    return resources.length > 0;
  };

  const linkedIds = async (personId: string): Promise<string[]> => {
    const { resources } = await c.identities.items
      .query<string>(
        {
          query: 'SELECT VALUE c.alias FROM c WHERE c.userId = @id AND c.k = @k',
          parameters: [
            { name: '@id', value: personId },
            { name: '@k', value: 'a' },
          ],
        },
        { partitionKey: personId },
      )
      .fetchAll();
    return resources.sort();
  };

  /** Joins states into the profiles under each partition key: read, join, replace if-match; again on a race. */
  const joinInto = async (writes: Map<string, ProfileState>, counted: Counter) => {
    let pending = [...writes.keys()];
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_ROUNDS) throw new CosmosAnalyticsError('profile update (412)', [412]);
      const read = await bulk(
        c.identities,
        pending.map((pk) => ({ operationType: 'Read', id: PROFILE_ID, partitionKey: pk })),
        'profiles read',
        [200, 404],
        options.retry,
        counted,
      );
      const ops: OperationInput[] = [];
      const keys: string[] = [];
      pending.forEach((pk, i) => {
        const write = writes.get(pk)!;
        const doc = read.resources[i] as { state?: ProfileState; _etag?: string } | undefined;
        if (read.statusCodes[i] === 404) {
          keys.push(pk);
          ops.push({
            operationType: 'Create',
            partitionKey: pk,
            resourceBody: { id: PROFILE_ID, userId: pk, state: write } as never,
          });
          return;
        }
        const held = normaliseProfile(doc?.state);
        if (!joinProfiles(held, write)) return;
        keys.push(pk);
        ops.push({
          operationType: 'Replace',
          id: PROFILE_ID,
          partitionKey: pk,
          ifMatch: doc?._etag,
          resourceBody: { id: PROFILE_ID, userId: pk, state: held } as never,
        });
      });
      const wrote = await bulk(
        c.identities,
        ops,
        'profiles write',
        [200, 201, 409, 412],
        options.retry,
        counted,
      );
      pending = keys.filter((_, i) => [409, 412].includes(wrote.statusCodes[i]!));
    }
  };

  /**
   * Moves everything counted under `aliasId` onto `personId`, idempotently: the alias's own scores
   * partition (one query) names its events and days; each event's day document is rewritten, the
   * day's activity moved and the day marked stale; the person's cohort takes the earlier first day;
   * the alias's cohort membership and first-day record go; its profile is joined into the person's.
   */
  const move = async (
    aliasId: string,
    personId: string,
    cohorts: CohortPlacer,
    counted: Counter,
  ) => {
    counted.requests += 1;
    const { resources } = await c.scores.items
      .query<Pick<ScoredEvent, 'eventId' | 'day' | 'type' | 'model' | 'score' | 'challenger'>>(
        {
          query:
            'SELECT c.eventId, c.day, c.type, c.model, c.score, c.challenger FROM c WHERE c.userId = @id',
          parameters: [{ name: '@id', value: aliasId }],
        },
        { partitionKey: aliasId },
      )
      .fetchAll();
    if (resources.length > 0) {
      const days = [...new Set(resources.map((r) => r.day))].sort();
      await bulk(
        c.dailyEvents,
        resources.map((r) => ({
          operationType: 'Upsert',
          partitionKey: r.day,
          resourceBody: movedEventDoc({ ...r, userId: personId }, aliasId) as never,
        })),
        'daily events move',
        [200, 201],
        options.retry,
        counted,
      );
      // The weeks' and months' distinct users (cosmosTrends.ts): the alias's markers become the person's.
      const trendMoves = trendMarkerMoves(resources, aliasId, personId);
      await bulk(
        c.dailyEvents,
        trendMoves.creates,
        'trend markers move',
        [201, 409],
        options.retry,
        counted,
      );
      await bulk(
        c.dailyEvents,
        trendMoves.deletes,
        'trend markers move',
        [204, 404],
        options.retry,
        counted,
      );
      await bulk(
        c.dailyEvents,
        trendMoves.stales,
        'trend stale marks',
        [200, 201],
        options.retry,
        counted,
      );
      await bulk(
        c.activity,
        days.map((day) => ({
          operationType: 'Create',
          partitionKey: day,
          resourceBody: { id: cosmosIdOf(personId), day, userId: personId },
        })),
        'activity move',
        [201, 409],
        options.retry,
        counted,
      );
      await cohorts.placeCohorts(new Map([[personId, days[0]!]]));
      await bulk(
        c.activity,
        days.map((day) => ({
          operationType: 'Delete',
          id: cosmosIdOf(aliasId),
          partitionKey: day,
        })),
        'activity move',
        [204, 404],
        options.retry,
        counted,
      );
      await bulk(
        c.dailyEvents,
        days.map((day) => ({ operationType: 'Delete', id: memberId(aliasId), partitionKey: day })),
        'cohort move',
        [204, 404],
        options.retry,
        counted,
      );
      await bulk(
        c.users,
        [{ operationType: 'Delete', id: cosmosIdOf(aliasId), partitionKey: aliasId }],
        'users move',
        [204, 404],
        options.retry,
        counted,
      );
      await bulk(
        c.dailyEvents,
        days.map((day) => ({
          operationType: 'Upsert',
          partitionKey: day,
          resourceBody: staleMarkDoc(day),
        })),
        'stale marks',
        [200, 201],
        options.retry,
        counted,
      );
    }
    counted.requests += 1;
    const { resource: aliasProfile } = await c.identities
      .item(PROFILE_ID, aliasId)
      .read<{ state: ProfileState }>();
    if (aliasProfile)
      await joinInto(new Map([[personId, normaliseProfile(aliasProfile.state)]]), counted);
  };

  const store: IdentityStore = {
    async person(userId): Promise<Person> {
      const { resource } = await c.identities.item(LINK_ID, userId).read<LinkDoc>();
      const personId = resource?.personId ?? userId;
      return { personId, linkedIds: await linkedIds(personId) };
    },
    async profile(userId) {
      const { resource: link } = await c.identities.item(LINK_ID, userId).read<LinkDoc>();
      const { resource } = await c.identities
        .item(PROFILE_ID, link?.personId ?? userId)
        .read<{ state: ProfileState }>();
      return resource && viewProfile(normaliseProfile(resource.state));
    },
    async groupProfile(type, id) {
      const { resource } = await c.identities
        .item(PROFILE_ID, groupKey(type, id))
        .read<{ state: ProfileState }>();
      return resource && viewProfile(normaliseProfile(resource.state));
    },
  };

  return {
    store,

    /**
     * Run after the batch's scores are stored and before its analytics are written: records the
     * batch's links (in order, moving each new one), joins its traits into the profiles, and
     * returns the attribution of each document plus `settle`, to run once the analytics are written.
     */
    async attribute(docs: readonly ScoredEvent[], cohorts: CohortPlacer) {
      const counted: Counter = { requests: 0, throttled: 0 };
      const ids = new Set<string>();
      for (const d of docs) {
        ids.add(d.userId);
        if (d.link) ids.add(d.link.previousId);
      }
      const previousIds = [...new Set(docs.flatMap((d) => (d.link ? [d.link.previousId] : [])))];
      const links = await readLinks([...ids], counted, previousIds);
      for (const doc of docs) {
        if (!doc.link) continue;
        const previousId = doc.link.previousId;
        const held = links.get(previousId);
        const userLinkedTo = links.get(doc.userId)?.personId;
        const decision = decideLink({
          previousId,
          userId: doc.userId,
          previousLinkedTo: held?.personId,
          previousHasLinks: held === undefined && (await hasLinks(previousId, counted)),
          userLinkedTo,
        });
        if (decision.kind === 'refuse') {
          logRefusedLink(options.logger, doc, decision);
          continue;
        }
        // Known and moved: nothing to do (every Segment call after a login carries the link).
        if (decision.kind === 'known' && (held === undefined || held.moved === true)) continue;
        const personId = decision.personId;
        const linkDoc = {
          id: LINK_ID,
          userId: previousId,
          personId,
          via: doc.link.via,
          eventId: doc.eventId,
          at: doc.occurredAt,
        };
        if (held === undefined) {
          const created = await bulk(
            c.identities,
            [
              {
                operationType: 'Create',
                partitionKey: previousId,
                resourceBody: linkDoc,
              },
            ],
            'link',
            [201, 409],
            options.retry,
            counted,
          );
          if (created.statusCodes[0] === 409) {
            // Another writer linked it first: decide again against what it recorded.
            const again = (await readLinks([previousId], counted)).get(previousId);
            if (again && again.personId !== personId) {
              logRefusedLink(options.logger, doc, {
                kind: 'refuse',
                reason: 'previous_id_linked_elsewhere',
                personId,
              });
              continue;
            }
          }
        }
        await bulk(
          c.identities,
          [
            {
              operationType: 'Create',
              partitionKey: personId,
              resourceBody: {
                id: aliasDocId(previousId),
                userId: personId,
                k: 'a',
                alias: previousId,
              },
            },
          ],
          'link',
          [201, 409],
          options.retry,
          counted,
        );
        await move(previousId, personId, cohorts, counted);
        // Link documents are created once, never replaced (a Cosmos DB backup reads `_ts < T`).
        await bulk(
          c.identities,
          [
            {
              operationType: 'Create',
              partitionKey: previousId,
              resourceBody: { id: MOVED_ID, userId: previousId, personId },
            },
          ],
          'link',
          [201, 409],
          options.retry,
          counted,
        );
        links.set(previousId, { personId, moved: true });
      }
      const personOf = (userId: string) => links.get(userId)?.personId ?? userId;

      const profiles = new Map<string, ProfileState>();
      const add = (pk: string, state: ProfileState | undefined) => {
        if (!state) return;
        const held = profiles.get(pk);
        if (held) joinProfiles(held, state);
        else profiles.set(pk, state);
      };
      for (const doc of docs) {
        add(personOf(doc.userId), personProfileWrite(doc));
        if (doc.group) add(groupKey(doc.group.type, doc.group.id), groupProfileWrite(doc));
      }
      await joinInto(profiles, counted);

      const selfIds = [...new Set(docs.map((d) => d.userId))].filter((id) => personOf(id) === id);
      return {
        counted,
        attribute: (doc: ScoredEvent): ScoredEvent => {
          const personId = personOf(doc.userId);
          return personId === doc.userId ? doc : { ...doc, userId: personId };
        },
        /**
         * A link recorded by another writer between the reads above and the analytics written
         * since would miss them: the ids counted as themselves are read again, and moved if linked.
         */
        settle: async () => {
          const now = await readLinks(selfIds, counted);
          for (const [id, link] of now) if (link) await move(id, link.personId, cohorts, counted);
        },
      };
    },
  };
}

interface Counter {
  requests: number;
  throttled: number;
}

async function bulk(
  container: Container,
  ops: OperationInput[],
  what: string,
  ok: readonly number[],
  retry: BulkRetryPolicy,
  counted: Counter,
) {
  if (ops.length === 0) return { statusCodes: [], resources: [], requests: 0, throttled: 0 };
  const outcome = await executeBulk(container, ops, retry);
  counted.requests += outcome.requests;
  counted.throttled += outcome.throttled;
  const bad = outcome.statusCodes.filter((code) => !ok.includes(code));
  if (bad.length > 0) throw new CosmosAnalyticsError(what, bad);
  return outcome;
}
