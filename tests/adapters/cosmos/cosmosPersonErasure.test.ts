import { randomUUID } from 'node:crypto';

import type { Container } from '@azure/cosmos';
import { beforeAll, describe, expect, it } from 'vitest';

import { createCosmosIdentity } from '../../../src/adapters/cosmos/cosmosIdentity.js';
import { cosmosIdOf } from '../../../src/adapters/cosmos/cosmosIdOf.js';
import { createCosmosPersonErasure } from '../../../src/adapters/cosmos/cosmosPersonErasure.js';
import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { defaultBulkRetryPolicy } from '../../../src/adapters/cosmos/executeBulk.js';
import { archiveHour } from '../../../src/core/archive/archiveHour.js';
import type { ScoredEvent } from '../../../src/core/event.js';
import { fingerprint } from '../../../src/core/privacy/deletion/fingerprint.js';
import type { ErasureStep, PersonErasure, ScoreStore } from '../../../src/ports/index.js';
import { useCosmosServer } from '../../support/cosmosServer.js';
import { arrivalOrder, identityDataSet, random } from '../identityOracle.js';
import { personErasureContract } from '../personErasureContract.js';
import { scoredEvent } from '../storeContract.js';

const cosmos = useCosmosServer();

/*
 * The oracle: the data set written to one store, then some persons erased from it, must give every
 * figure of a second store (another database on the same server) that was written the same batches
 * without those persons' documents. identityDataSet holds links (some refused, a chain), traits,
 * a group, anonymous events late after a login; arrivalOrder redelivers batches and single events.
 */
const FROM = '2026-05-01';
const TO = '2026-05-31';
/** After every receipt of the data set (its events are received when they occur, in May). */
const CUT = '2026-06-01T00:00:00.000Z';
const TYPES = ['$pageview', 'click', 'purchase', '$identify', '$groupidentify'];
const ASKED = ['ann+test@example.com', 'bob'];
const events = identityDataSet();
const batches = arrivalOrder(events, 5);
const everyId = [...new Set(events.flatMap((e) => [e.userId, e.link?.previousId ?? e.userId]))];
const CONTAINERS = ['scores', 'daily-activity', 'daily-events', 'users', 'identities'];

const openStore = (database: string, erasureBatchDocuments = 4) =>
  createCosmosStore(cosmos.client, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
    erasureBatchDocuments,
  });

const writeAll = async (store: ScoreStore, all: readonly ScoredEvent[][]) => {
  for (const batch of all) if (batch.length > 0) await store.write(batch);
};

/** What the deletion runner hands the store: each asked id's person and every id linked to it. */
const erasedIdsOf = async (store: ScoreStore, asked: readonly string[]) => {
  const ids = new Set<string>();
  for (const id of asked) {
    const { personId, linkedIds } = await store.identity.person(id);
    for (const one of [id, personId, ...linkedIds]) ids.add(one);
  }
  return [...ids].sort();
};

const eraseAll = async (erasure: PersonErasure, ids: readonly string[], cut = CUT) => {
  const steps: ErasureStep[] = [];
  for (let call = 0; call < 200; call += 1) {
    const step = await erasure.erase(ids, cut);
    steps.push(step);
    if (!step.more) return steps;
  }
  throw new Error('erase never finished');
};

const byKey = <T>(rows: T[]) =>
  [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

const mondays = ['2026-04-27', '2026-05-04', '2026-05-11', '2026-05-18', '2026-05-25'];
const days = Array.from({ length: 31 }, (_, i) => `2026-05-${String(i + 1).padStart(2, '0')}`);

/** Every analytics figure of the store, and each remaining id's summary, profile and list. */
async function figures(store: ScoreStore, ids: readonly string[]) {
  const trends: Record<string, unknown> = {};
  for (const [interval, periods] of [
    ['day', days],
    ['week', mondays],
    ['month', ['2026-05-01']],
  ] as const)
    for (const measure of ['events', 'users'] as const)
      trends[`${interval}/${measure}`] = byKey(
        await store.trends({ interval, periods, types: TYPES, measure }),
      );
  return {
    dau: await store.dailyActiveUsers(FROM, TO),
    types: byKey(await store.eventsByType(FROM, TO)),
    histogram: await store.scoreHistogram({ name: 'baseline', version: '1' }, FROM, TO),
    retentionDays: await store.retention({ start: FROM, intervalDays: 1, cohorts: 20, windows: 6 }),
    retentionWeeks: await store.retention({
      start: '2026-04-27',
      intervalDays: 7,
      cohorts: 4,
      windows: 2,
    }),
    trends,
    users: await Promise.all(
      ids.map(async (userId) => ({
        userId,
        summary: await store.userSummary(userId),
        profile: await store.identity.profile(userId),
        scores: (await store.userScores({ userId, limit: 200 })).items,
      })),
    ),
  };
}

/** The documents of every container of the database whose JSON holds one of the ids. */
async function documentsHolding(database: string, ids: readonly string[]) {
  const needles = ids.flatMap((id) => [JSON.stringify(id), JSON.stringify(cosmosIdOf(id))]);
  const found: string[] = [];
  const { resources: containers } = await cosmos.client
    .database(database)
    .containers.readAll()
    .fetchAll();
  expect(containers.map((c) => c.id)).toEqual(expect.arrayContaining(CONTAINERS));
  for (const { id } of containers) {
    const { resources } = await cosmos.client
      .database(database)
      .container(id)
      .items.readAll()
      .fetchAll();
    for (const doc of resources) {
      const json = JSON.stringify(doc);
      if (needles.some((n) => json.includes(n))) found.push(`${id}: ${json}`);
    }
  }
  return found;
}

class Crash extends Error {}

/** The container, failing every request once `budget.left` reaches 0: a process killed there. */
function crashing(container: Container, budget: { left: number }): Container {
  const tick = () => {
    budget.left -= 1;
    if (budget.left < 0) throw new Crash('crashed');
  };
  const wrap = <T extends object>(target: T, names: readonly string[]): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (typeof prop === 'string' && names.includes(prop))
          return (...args: unknown[]) => {
            tick();
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        return (value as (...a: unknown[]) => unknown).bind(t);
      },
    });
  const items = wrap(container.items, ['bulk', 'query', 'upsert', 'create', 'readAll']);
  const wrapped = wrap(container, ['item', 'deleteAllItemsForPartitionKey']);
  return new Proxy(wrapped, {
    get: (t, prop, receiver) => (prop === 'items' ? items : Reflect.get(t, prop, receiver)),
  });
}

personErasureContract('cosmos', async () => {
  const database = `contract-${randomUUID()}`;
  const store = await openStore(database, 5);
  return {
    store,
    async cleanup() {
      await store.close();
      await cosmos.client.database(database).delete();
    },
  };
});

describe('Cosmos DB PersonErasure', () => {
  const full = `erase-${randomUUID()}`;
  const without = `oracle-${randomUUID()}`;
  let store: ScoreStore;
  let oracle: ScoreStore;
  let erased: string[];
  let remaining: string[];

  beforeAll(async () => {
    store = await openStore(full);
    await writeAll(store, batches);
    erased = await erasedIdsOf(store, ASKED);
    const gone = new Set(erased);
    remaining = everyId.filter((id) => !gone.has(id)).sort();
    oracle = await openStore(without);
    await writeAll(
      oracle,
      batches.map((b) => b.filter((e) => !gone.has(e.userId))),
    );
  }, 60_000);

  it('erases whole persons: every figure equals the store written without them, and no document holds their ids', async () => {
    // The persons have anonymous ids linked to them, and their own documents name the others'.
    expect(erased.length).toBeGreaterThan(ASKED.length);
    const stored = events.filter((e) => erased.includes(e.userId)).length;
    expect(await documentsHolding(full, erased)).not.toEqual([]);
    expect(await figures(store, remaining)).not.toEqual(await figures(oracle, remaining));

    const located = await store.erasure.locate(erased, CUT);
    const mine = events.filter((e) => erased.includes(e.userId));
    expect(located).toEqual({
      archiveHours: [...new Set(mine.map((e) => archiveHour(e.receivedAt)))].sort(),
      days: [...new Set(mine.map((e) => e.day))].sort(),
    });

    const steps = await eraseAll(store.erasure, erased);
    // Bounded: four documents a call at least, whole days of them; then one last call.
    expect(steps.length).toBeGreaterThan(2);
    expect(steps.slice(0, -1).every((s) => s.more && s.documents >= 1)).toBe(true);
    expect(steps.reduce((n, s) => n + s.documents, 0)).toBe(stored);
    expect(steps.at(-1)).toMatchObject({ more: false, documents: 0 });
    expect(steps.at(-1)!.profiles).toBeGreaterThanOrEqual(2);
    expect(steps.at(-1)!.identityLinks).toBe(erased.length - ASKED.length);
    expect(steps.every((s) => s.requests > 0)).toBe(true);

    expect(await figures(store, remaining)).toEqual(await figures(oracle, remaining));
    expect(await documentsHolding(full, erased)).toEqual([]);
    for (const id of erased) expect(await store.userSummary(id)).toBeUndefined();
    expect(await store.erasure.locate(erased, CUT)).toEqual({ archiveHours: [], days: [] });
    // The group the erased person named keeps its own profile.
    expect(await store.identity.groupProfile('company', 'acme')).toBeDefined();
  }, 120_000);

  it('changes nothing when called again after finishing', async () => {
    const before = await figures(store, remaining);
    const steps = await eraseAll(store.erasure, erased);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ documents: 0, profiles: 0, identityLinks: 0, more: false });
    expect(await figures(store, remaining)).toEqual(before);
    expect(await documentsHolding(full, erased)).toEqual([]);
  }, 60_000);

  it('finds the ids of the fingerprints it holds anything of', async () => {
    const prints = new Set([...remaining.slice(0, 3), ...erased, 'never-seen'].map(fingerprint));
    expect(await store.erasure.idsMatching(prints)).toEqual(remaining.slice(0, 3).sort());
    expect(await oracle.erasure.idsMatching(new Set(remaining.map(fingerprint)))).toEqual(
      remaining,
    );
    expect(await store.erasure.idsMatching(new Set())).toEqual([]);
  });

  it('resumes after a crash at any point and ends with the same figures', async () => {
    const database = `crash-${randomUUID()}`;
    const crashed = await openStore(database);
    await writeAll(crashed, batches);
    const db = cosmos.client.database(database);
    const budget = { left: 0 };
    const containers = {
      scores: crashing(db.container('scores'), budget),
      activity: crashing(db.container('daily-activity'), budget),
      dailyEvents: crashing(db.container('daily-events'), budget),
      users: crashing(db.container('users'), budget),
      identities: crashing(db.container('identities'), budget),
    };
    const outcomes: string[] = [];
    const erasure = createCosmosPersonErasure(
      containers,
      createCosmosIdentity(containers, { retry: defaultBulkRetryPolicy }),
      {
        retry: defaultBulkRetryPolicy,
        batchDocuments: 3,
        deleteByPartitionKey: true,
        onPartitionDelete: (outcome) => outcomes.push(outcome),
      },
    );
    const rand = random(7);
    let crashes = 0;
    for (let attempt = 0; attempt < 25; attempt += 1) {
      budget.left = 1 + Math.floor(rand() * 40);
      try {
        await eraseAll(erasure, erased);
        break;
      } catch (error) {
        if (!(error instanceof Crash)) throw error;
        crashes += 1;
      }
    }
    budget.left = Number.POSITIVE_INFINITY;
    await eraseAll(erasure, erased);
    expect(await figures(crashed, remaining)).toEqual(await figures(oracle, remaining));
    expect(await documentsHolding(database, erased)).toEqual([]);
    expect(crashes).toBeGreaterThanOrEqual(3);
    // The test server has no delete by partition key: every such attempt fell back to bulk deletes.
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o === 'fallback')).toBe(true);
  }, 180_000);

  it('keeps and counts, as if new, the documents received after the cut-off', async () => {
    const database = `kept-${randomUUID()}`;
    const kept = await openStore(database, 1000);
    await writeAll(kept, batches);
    const ids = await erasedIdsOf(kept, ['ann+test@example.com']);
    const anon = ids.find((id) => id !== 'ann+test@example.com')!;
    const after = '2026-06-02T10:00:00.000Z';
    const late = [
      // A late event on an old day, and one on a new day, of the person; one of an anonymous id.
      scoredEvent('ann+test@example.com', '2026-05-03T10:00:00.000Z', { receivedAt: after }),
      scoredEvent('ann+test@example.com', '2026-05-20T10:00:00.000Z', { receivedAt: after }),
      scoredEvent(anon, '2026-05-21T10:00:00.000Z', { receivedAt: after, type: 'click' }),
    ];
    await kept.write(late);
    expect((await kept.userSummary(anon))?.userId).toBe('ann+test@example.com');

    const gone = new Set(ids);
    const rest = everyId.filter((id) => !gone.has(id));
    const expected = await openStore(`kept-oracle-${randomUUID()}`);
    await writeAll(expected, [...batches.map((b) => b.filter((e) => !gone.has(e.userId))), late]);

    const steps = await eraseAll(kept.erasure, ids);
    expect(steps.reduce((n, s) => n + s.documents, 0)).toBe(
      events.filter((e) => gone.has(e.userId)).length,
    );
    const check = [...rest, 'ann+test@example.com', anon].sort();
    expect(await figures(kept, check)).toEqual(await figures(expected, check));
    // The kept documents stay, each now its own person: the link that joined them went.
    expect((await kept.userScores({ userId: 'ann+test@example.com', limit: 10 })).items).toEqual(
      [late[1], late[0]].map((d) => expect.objectContaining({ eventId: d!.eventId })),
    );
    expect((await kept.userSummary(anon))?.userId).toBe(anon);
    // Erasing again finds only the kept documents: it leaves them and their figures as they are.
    const before = await figures(kept, check);
    await eraseAll(kept.erasure, ids);
    expect(await figures(kept, check)).toEqual(before);
  }, 120_000);

  it('counts an erased id written again by the same process, which remembered it as stored', async () => {
    const database = `memo-${randomUUID()}`;
    const again = await openStore(database);
    const dee = scoredEvent('dee', '2026-05-04T11:00:00.000Z');
    await again.write([
      scoredEvent('cy', '2026-05-02T10:00:00.000Z'),
      scoredEvent('cy', '2026-05-04T10:00:00.000Z'),
      dee,
    ]);
    await eraseAll(again.erasure, ['cy']);
    const later = [
      scoredEvent('cy', '2026-05-02T12:00:00.000Z', { receivedAt: '2026-06-03T00:00:00.000Z' }),
      scoredEvent('cy', '2026-05-04T12:00:00.000Z', { receivedAt: '2026-06-03T00:00:00.000Z' }),
    ];
    await again.write(later);
    const fresh = await openStore(`memo-oracle-${randomUUID()}`);
    await fresh.write([dee, ...later]);
    expect(await figures(again, ['cy', 'dee'])).toEqual(await figures(fresh, ['cy', 'dee']));
  }, 60_000);

  it('erased again (a restore applying the ledger), leaves an id linked to the person since as it is', async () => {
    const database = `relink-${randomUUID()}`;
    const relinked = await openStore(database);
    const cut = '2026-05-10T00:00:00.000Z';
    const received = '2026-05-12T00:00:00.000Z';
    const before = [
      scoredEvent('fay', '2026-05-02T10:00:00.000Z', { type: 'view' }),
      scoredEvent('anon:f1', '2026-05-01T10:00:00.000Z', { type: 'view' }),
      scoredEvent('fay', '2026-05-03T10:00:00.000Z', {
        link: { previousId: 'anon:f1', via: 'identify' },
      }),
      // A visitor, not yet anyone, and another user the same days.
      scoredEvent('anon:z', '2026-05-03T09:00:00.000Z', { type: 'view' }),
      scoredEvent('gil', '2026-05-03T11:00:00.000Z'),
    ];
    const after = [
      scoredEvent('fay', '2026-05-03T12:00:00.000Z', { type: 'view', receivedAt: received }),
      scoredEvent('fay', '2026-05-11T12:00:00.000Z', {
        receivedAt: received,
        link: { previousId: 'anon:z', via: 'identify' },
      }),
      scoredEvent('anon:z', '2026-05-11T09:00:00.000Z', { type: 'view', receivedAt: received }),
    ];
    await relinked.write(before);
    const ids = await erasedIdsOf(relinked, ['fay']);
    expect(ids).toEqual(['anon:f1', 'fay']);
    await eraseAll(relinked.erasure, ids, cut);
    // Back after the request: the person links the visitor.
    await relinked.write(after);
    expect((await relinked.identity.person('anon:z')).personId).toBe('fay');

    const expected = await openStore(`relink-oracle-${randomUUID()}`);
    await expected.write(before.filter((e) => !ids.includes(e.userId)));
    await expected.write(after);
    const check = ['fay', 'anon:f1', 'anon:z', 'gil'];
    const want = await figures(expected, check);
    expect(await figures(relinked, check)).toEqual(want);

    // The ledger applied again, by the ids it erased: the later link and events stay counted.
    await eraseAll(relinked.erasure, ids, cut);
    expect(await figures(relinked, check)).toEqual(want);
  }, 60_000);
});
