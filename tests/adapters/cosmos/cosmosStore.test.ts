import { randomUUID } from 'node:crypto';

import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CosmosWriteError, createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { createCosmosClient } from '../../../src/adapters/cosmos/createCosmosClient.js';
import type { ScoreStore } from '../../../src/ports.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';
import {
  type CosmosThrottleProxy,
  startCosmosThrottleProxy,
} from '../../support/cosmosThrottleProxy.js';
import { analyticsContract } from '../analyticsContract.js';
import { scoredEvent, storeContract } from '../storeContract.js';

let server: CosmosTestServer;
let client: CosmosClient;

beforeAll(async () => {
  server = await startCosmosServer();
  client = server.client();
});
afterAll(async () => {
  client.dispose();
  await server.close();
});

async function freshStore(on: CosmosClient): Promise<{ store: ScoreStore; database: string }> {
  const database = `test-${randomUUID()}`;
  const store = await createCosmosStore(on, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    deadLetterContainer: 'deadletters',
    createIfMissing: true,
  });
  return { store, database };
}

storeContract('cosmos', async () => {
  const { store, database } = await freshStore(client);
  return {
    store,
    async cleanup() {
      await store.close();
      await client.database(database).delete();
    },
  };
});

analyticsContract('cosmos', async () => {
  const { store, database } = await freshStore(client);
  return {
    store,
    async cleanup() {
      await store.close();
      await client.database(database).delete();
    },
  };
});

const at = (i: number) => new Date(Date.UTC(2026, 2, 2, 0, i)).toISOString();

describe('createCosmosStore', () => {
  it('creates the containers with their partition keys and indexing policies', async () => {
    const { database } = await freshStore(client);
    const db = client.database(database);
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
    const { store, database } = await freshStore(client);
    const docs = Array.from({ length: 250 }, (_, i) => scoredEvent(`u${i % 30}`, at(i)));
    const result = await store.write(docs);
    expect(result).toMatchObject({ written: 250, alreadyStored: 0, throttled: 0 });
    // 3 requests for the scores, 1 for the 30 users' activity of that day; analytics: 3 for the
    // event summaries, 1 each for models, the day's stale mark, reading the 30 users, their
    // cohort memberships and their first-day records; 1 for the day's change mark.
    expect(result.requests).toBe(4 + 3 + 5 + 1);
    expect(await store.dailyActiveUsers('2026-03-02', '2026-03-02')).toEqual([
      { day: '2026-03-02', activeUsers: 30 },
    ]);
    await client.database(database).delete();
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
    proxy = await startCosmosThrottleProxy(server.endpoint);
    proxied = createCosmosClient(
      { COSMOS_ENDPOINT: proxy.endpoint, COSMOS_KEY: server.key, AZURE_CLIENT_ID: undefined },
      { agent: server.agent },
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
      // users write), the day's change mark: one request each, plus the 3 throttled ones re-sent.
      expect(result.requests).toBe(9 + 3);
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
