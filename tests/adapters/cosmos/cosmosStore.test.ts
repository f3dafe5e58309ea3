import { randomUUID } from 'node:crypto';

import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cosmosIdOf } from '../../../src/adapters/cosmos/cosmosIdOf.js';
import { CosmosWriteError, createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { createCosmosClient } from '../../../src/adapters/cosmos/createCosmosClient.js';
import type { Logger, ScoreStore } from '../../../src/ports/index.js';
import { startCosmosServer, useCosmosServer } from '../../support/cosmosServer.js';
import {
  type CosmosThrottleProxy,
  startCosmosThrottleProxy,
} from '../../support/cosmosThrottleProxy.js';
import { analyticsContract } from '../analyticsContract.js';
import { identityContract } from '../identityContract.js';
import { ODD_USER_IDS, scoredEvent, storeContract } from '../storeContract.js';

const cosmos = useCosmosServer();

async function freshStore(
  on: CosmosClient,
  logger?: Logger,
): Promise<{ store: ScoreStore; database: string }> {
  const database = `test-${randomUUID()}`;
  const store = await createCosmosStore(on, {
    ...(logger && { logger }),
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    deadLetterContainer: 'deadletters',
    createIfMissing: true,
  });
  return { store, database };
}

storeContract('cosmos', async () => {
  const { store, database } = await freshStore(cosmos.client);
  return {
    store,
    async cleanup() {
      await store.close();
      await cosmos.client.database(database).delete();
    },
  };
});

analyticsContract('cosmos', async () => {
  const { store, database } = await freshStore(cosmos.client);
  return {
    store,
    async cleanup() {
      await store.close();
      await cosmos.client.database(database).delete();
    },
  };
});

identityContract(
  'cosmos',
  async (logger) => {
    const { store, database } = await freshStore(cosmos.client, logger);
    return {
      store,
      async cleanup() {
        await store.close();
        await cosmos.client.database(database).delete();
      },
    };
  },
  [1, 2],
);

const at = (i: number) => new Date(Date.UTC(2026, 2, 2, 0, i)).toISOString();

describe('createCosmosStore', () => {
  it('names every document with an id Cosmos DB takes, whatever the userId (no / \\ ? #, at most 255)', async () => {
    const { store, database } = await freshStore(cosmos.client);
    const docs = ODD_USER_IDS.map((userId, i) => scoredEvent(userId, at(i)));
    await store.write(docs);
    // the test peer does not refuse such ids as Cosmos DB does: every id written is checked here
    const db = cosmos.client.database(database);
    const { resources: containers } = await db.containers.readAll().fetchAll();
    const ids: string[] = [];
    for (const { id } of containers) {
      const { resources } = await db
        .container(id)
        .items.query<{ id: string }>('SELECT c.id FROM c')
        .fetchAll();
      ids.push(...resources.map((r) => r.id));
    }
    expect(ids.length).toBeGreaterThanOrEqual(docs.length * 3);
    expect(ids.filter((id) => /[/\\?#]/.test(id) || [...id].length > 255)).toEqual([]);
    // an id of the old rule keeps naming its documents as before
    expect(cosmosIdOf('user-42')).toBe('user-42');
    expect(cosmosIdOf('a/b')).toMatch(/^~u:[A-Za-z0-9_-]{43}$/);
    expect(cosmosIdOf('a/b')).not.toBe(cosmosIdOf('a/c'));
    await store.close();
    await db.delete();
  });

  it('creates the containers with their partition keys and indexing policies', async () => {
    const { database } = await freshStore(cosmos.client);
    const db = cosmos.client.database(database);
    const { resources } = await db.containers.readAll().fetchAll();
    const byId = new Map(resources.map((c) => [c.id, c]));
    expect(byId.get('scores')?.partitionKey?.paths).toEqual(['/userId']);
    expect(byId.get('scores')?.indexingPolicy?.compositeIndexes).toEqual([
      [
        { path: '/occurredAt', order: 'descending' },
        { path: '/id', order: 'descending' },
      ],
    ]);
    expect(byId.get('daily-activity')?.partitionKey?.paths).toEqual(['/day']);
    expect(byId.get('deadletters')?.partitionKey?.paths).toEqual(['/day']);
    await db.delete();
  });

  it('writes a batch larger than one bulk request, 100 operations, in several requests', async () => {
    const { store, database } = await freshStore(cosmos.client);
    const docs = Array.from({ length: 250 }, (_, i) => scoredEvent(`u${i % 30}`, at(i)));
    const result = await store.write(docs);
    expect(result).toMatchObject({ written: 250, alreadyStored: 0, throttled: 0 });
    // 3 requests for the scores, 1 for the 30 users' activity of that day; analytics: 1 for the
    // day's one batch document (250 events), 1 each for models, the day's stale mark, reading the
    // 30 users, their cohort memberships and their first-day records; identity: the 30 users'
    // links read before the analytics are written and again after (cosmosIdentity.ts); trends: 1
    // for the week and month markers of the 30 users, 1 for the two stale marks; 1 for the day's
    // change mark (the Parquet compaction's).
    expect(result.requests).toBe(4 + 1 + 5 + 2 + 2 + 1);
    expect(await store.dailyActiveUsers('2026-03-02', '2026-03-02')).toEqual([
      { day: '2026-03-02', activeUsers: 30 },
    ]);
    await cosmos.client.database(database).delete();
  });

  it('skips what it already saw stored: a second batch of the same users that day', async () => {
    const { store, database } = await freshStore(cosmos.client);
    const users = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const first = await store.write(users.map((u, i) => scoredEvent(u, at(i))));
    const second = await store.write(users.map((u, i) => scoredEvent(u, at(20 + i))));
    // The first: scores, activity, models, batch document, stale mark, users read, memberships,
    // user records, and the users' links read before and after the analytics (cosmosIdentity.ts),
    // then the trends' markers and stale marks. The second: scores, its batch document and the
    // stale mark, the two link reads, and the trends' two (markers answered 409). Each ends with
    // the day's change mark for the Parquet compaction.
    expect(first.requests).toBe(8 + 2 + 2 + 1);
    expect(second.requests).toBe(3 + 2 + 2 + 1);
    expect(await store.dailyActiveUsers('2026-03-02', '2026-03-02')).toEqual([
      { day: '2026-03-02', activeUsers: 10 },
    ]);
    await cosmos.client.database(database).delete();
  });

  it('counts an event once when redelivered in a batch of another composition', async () => {
    const { store, database } = await freshStore(cosmos.client);
    const [a, b, c] = [1, 2, 3].map((i) => scoredEvent(`r${i}`, at(i)));
    await store.write([a!, b!]);
    await store.write([b!, c!]);
    expect(await store.eventsByType('2026-03-02', '2026-03-02')).toEqual([
      { type: 'purchase', events: 3 },
    ]);
    await cosmos.client.database(database).delete();
  });

  it('makes write and check throw once the server is gone', async () => {
    const gone = await startCosmosServer();
    const goneClient = gone.client();
    const { store } = await freshStore(goneClient);
    await expect(store.check()).resolves.toBeUndefined();
    await gone.close();

    await expect(store.check()).rejects.toThrow();
    await expect(store.write([scoredEvent('u1', at(1))])).rejects.toThrow();
    await expect(store.userScores({ userId: 'u1', limit: 5 })).rejects.toThrow();
    goneClient.dispose();
  });
});

describe('createCosmosStore behind a throttling proxy', () => {
  let proxy: CosmosThrottleProxy;
  let proxied: CosmosClient;

  beforeAll(async () => {
    proxy = await startCosmosThrottleProxy(cosmos.server.endpoint);
    proxied = createCosmosClient(
      {
        COSMOS_ENDPOINT: proxy.endpoint,
        COSMOS_KEY: cosmos.server.key,
        AZURE_CLIENT_ID: undefined,
      },
      { agent: cosmos.server.agent },
    );
  });
  afterAll(async () => {
    proxied.dispose();
    await proxy.close();
  });

  it.each(['request', 'operations'] as const)(
    're-submits bulk requests throttled per %s until the writes land',
    async (mode) => {
      const { store, database } = await freshStore(proxied);
      const docs = Array.from({ length: 40 }, (_, i) => scoredEvent(`u${i % 4}`, at(i)));
      const seenBefore = proxy.bulkRequests;
      proxy.throttleNext(3, mode, 5);

      const result = await store.write(docs);

      expect(result.written).toBe(40);
      expect(result.alreadyStored).toBe(0);
      expect(result.throttled).toBe(3);
      expect(result.requests).toBe(proxy.bulkRequests - seenBefore);
      // scores, activity, then the analytics (events, models, stale mark, users read, cohorts,
      // users write), the links read twice, the trends (markers, stale marks), the day's change
      // mark: one request each (13), plus the 3 throttled ones re-sent.
      expect(result.requests).toBe(13 + 3);
      expect((await store.userScores({ userId: 'u1', limit: 20 })).items).toHaveLength(10);
      expect(await store.dailyActiveUsers('2026-03-02', '2026-03-02')).toEqual([
        { day: '2026-03-02', activeUsers: 4 },
      ]);
      await proxied.database(database).delete();
    },
  );

  it('throws on any other failure of an operation, and a later write completes the batch', async () => {
    const { store, database } = await freshStore(proxied);
    const docs = Array.from({ length: 10 }, (_, i) => scoredEvent('u1', at(i)));
    proxy.failNext(2, 503);
    await expect(store.write(docs)).rejects.toThrow(CosmosWriteError);
    await expect(store.write(docs)).resolves.toMatchObject({ written: 10, alreadyStored: 0 });
    await proxied.database(database).delete();
  });

  it('throws when throttling outlasts its attempts, and a later write completes the batch', async () => {
    const database = `test-${randomUUID()}`;
    const store = await createCosmosStore(proxied, {
      database,
      scoresContainer: 'scores',
      activityContainer: 'daily-activity',
      createIfMissing: true,
      bulkRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const docs = Array.from({ length: 10 }, (_, i) => scoredEvent('u1', at(i)));
    proxy.throttleNext(100, 'request', 1);
    await expect(store.write(docs)).rejects.toThrow(/429/);

    proxy.throttleNext(0, 'request');
    expect(await store.write(docs)).toMatchObject({ written: 10, alreadyStored: 0 });
    await proxied.database(database).delete();
  });
});

describe('createCosmosStore identity costs', () => {
  it('states what a link costs in requests', async () => {
    const { store, database } = await freshStore(cosmos.client);
    const day = (d: number, h: number) => new Date(Date.UTC(2026, 2, d, h)).toISOString();
    const anon = [1, 2, 3, 4, 5].map((i) => scoredEvent('anon:z', day(2 + (i % 2), i)));
    await store.write([...anon, scoredEvent('zed', day(3, 8))]);
    const linked = await store.write([
      scoredEvent('zed', day(3, 9), { link: { previousId: 'anon:z', via: 'identify' } }),
    ]);
    // A one-event write costs 8 here (scores, batch document, stale mark, links read twice, trend
    // markers and their stale marks, the day's change mark: the write memo skips zed's activity, model note and cohort
    // read, seen in the first write). The link adds 19: the alias's week and month trend markers
    // moved (3: creates, deletes, stale marks), and its facts (has anon:z links of its own?), the link and the
    // alias entry, then the move: anon:z's scores partition (1 query), its 5 event summaries
    // (1 bulk), its 2 days' activity added and removed (2), zed's cohort moved to the earlier day
    // (4), anon:z's memberships and record removed (2), the 2 days marked stale (1), its profile
    // read (1), the link marked moved (1). Bulk requests carry up to 100 operations each.
    expect(linked.requests).toBe(8 + 19);
    expect(await store.dailyActiveUsers('2026-03-02', '2026-03-03')).toEqual([
      { day: '2026-03-02', activeUsers: 1 },
      { day: '2026-03-03', activeUsers: 1 },
    ]);
    // Every later event of either id: the plain cost (the link is known and moved): 8 for a
    // one-event write on a new day with its trends and change mark (11), less the model note and the cohort read
    // the write memo has seen.
    const later = await store.write([
      scoredEvent('zed', day(4, 9), { link: { previousId: 'anon:z', via: 'identify' } }),
    ]);
    expect(later.requests).toBe(9);
    await cosmos.client.database(database).delete();
  });
});
