import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBlobArchive } from '../../../src/adapters/archive/blobArchive.js';
import { deadLetterContainer } from '../../../src/adapters/cosmos/containers.js';
import { createCosmosAuditLog } from '../../../src/adapters/cosmos/cosmosAuditLog.js';
import { createCosmosDeadLetterSink } from '../../../src/adapters/cosmos/cosmosDeadLetterSink.js';
import { createCosmosDeletionLedger } from '../../../src/adapters/cosmos/cosmosDeletionLedger.js';
import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { openContainer } from '../../../src/adapters/cosmos/openContainer.js';
import { toArchivedEvent } from '../../../src/core/archive/archivedEvent.js';
import { newDeletionRequest } from '../../../src/core/privacy/deletion/deletionRequestBody.js';
import { fingerprint } from '../../../src/core/privacy/deletion/fingerprint.js';
import { resolveErasedIds } from '../../../src/core/privacy/deletion/resolveErasedIds.js';
import { runDeletion } from '../../../src/core/privacy/deletion/runDeletion.js';
import { trendPeriods } from '../../../src/core/trends/trendPeriods.js';
import type { ScoreStore } from '../../../src/ports/index.js';
import { type AzuriteBlob, startAzuriteBlob } from '../../support/azurite.js';
import { cosmosDocumentsHolding, useCosmosServer } from '../../support/cosmosServer.js';
import { arrivalOrder, identityDataSet } from '../identityOracle.js';

/*
 * The Azure half of a deletion, end to end: the runner (core/privacy/deletion/runDeletion.ts) over
 * the Cosmos DB store, ledger, dead letters and audit log and a Blob archive on Azurite. Afterwards
 * the figures are those of a store that never had the person, and no Cosmos DB document on the test
 * server and no blob in Azurite holds one of the person's ids.
 */
const cosmos = useCosmosServer();
let azurite: AzuriteBlob;
let blobs: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
});

const FROM = '2026-05-01';
const TO = '2026-05-20';
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const storeIn = (database: string) =>
  createCosmosStore(cosmos.client, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
    erasureBatchDocuments: 10,
  });

async function figures(store: ScoreStore, ids: readonly string[]) {
  const types = ['pageview', 'click', 'purchase', 'identify', 'groupidentify'];
  const trends: unknown[] = [];
  for (const interval of ['day', 'week', 'month'] as const)
    trends.push(
      (await store.trends({ interval, periods: trendPeriods(interval, FROM, TO), types })).sort(
        (a, b) => `${a.type}${a.period}`.localeCompare(`${b.type}${b.period}`),
      ),
    );
  return {
    dau: await store.dailyActiveUsers(FROM, TO),
    types: (await store.eventsByType(FROM, TO)).sort((a, b) => a.type.localeCompare(b.type)),
    retention: await store.retention({ start: FROM, intervalDays: 1, cohorts: 16, windows: 4 }),
    trends,
    summaries: await Promise.all(ids.map((id) => store.userSummary(id))),
  };
}

/** Every blob in Azurite (gzip opened) that holds one of the ids. */
async function blobsHolding(ids: readonly string[]) {
  const needles = ids.map((id) => JSON.stringify(id));
  const found: string[] = [];
  for await (const container of blobs.listContainers()) {
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat()) {
      const raw = await client.getBlockBlobClient(blob.name).downloadToBuffer();
      const text = (blob.name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      if (needles.some((n) => text.includes(n))) found.push(`${container.name}/${blob.name}`);
    }
  }
  return found;
}

describe('a deletion on the Azure parts (Cosmos DB and Blob)', () => {
  it('runs to done, leaves the figures of a store that never had the person, and no id anywhere', async () => {
    // Types as the API takes them (the data set's `$pageview` is PostHog's name, mapped at ingest).
    const events = identityDataSet().map((e) => ({ ...e, type: e.type.replace('$', '') }));
    const batches = arrivalOrder(events, 2);
    const database = `azure-${randomUUID()}`;
    const store = await storeIn(database);
    for (const batch of batches) await store.write(batch);
    const archiveContainer = blobs.getContainerClient(`archive-${randomUUID()}`);
    await archiveContainer.create();
    const archive = createBlobArchive(archiveContainer);
    await archive.append(events.map((e) => toArchivedEvent(e)));
    const deadLetters = createCosmosDeadLetterSink(
      await openContainer(cosmos.client, database, 'deadletters', deadLetterContainer, true),
    );
    const anon = events.find((e) => e.userId === 'bob' && e.link)!.link!.previousId;
    await deadLetters.put([
      { key: 'd-1', reason: 'invalid_event', body: { userId: 'bob', type: '' } },
      {
        key: 'd-2',
        reason: 'message.type: unknown',
        body: { protocol: 'segment', message: { anonymousId: anon } },
      },
      { key: 'd-3', reason: 'invalid_event', body: { userId: 'user-5', type: '' } },
    ]);
    const ledger = await createCosmosDeletionLedger(cosmos.client, {
      database: `ledger-${randomUUID()}`,
      container: 'deletions',
      createIfMissing: true,
    });
    const audit = await createCosmosAuditLog(cosmos.client, {
      database: `audit-${randomUUID()}`,
      container: 'audit',
      createIfMissing: true,
    });

    const erased = await resolveErasedIds(store.identity, ['bob']);
    expect(erased).toContain(anon);
    const gone = new Set(erased);
    const kept = [...new Set(events.map((e) => e.userId))].filter((id) => !gone.has(id)).sort();
    const reference = await storeIn(`azure-reference-${randomUUID()}`);
    for (const batch of batches) {
      const left = batch.filter((e) => !gone.has(e.userId));
      if (left.length > 0) await reference.write(left);
    }
    expect(await blobsHolding(erased)).not.toEqual([]);
    expect(await cosmosDocumentsHolding(cosmos.client, erased)).not.toEqual([]);

    const request = newDeletionRequest({
      id: randomUUID(),
      userIds: ['bob'],
      erasedIds: erased,
      suppress: false,
      keyId: 'a1b2c3d4e5f60718',
      now: NOW,
    });
    await ledger.create(request);
    const done = await runDeletion(
      {
        ledger,
        store,
        archive,
        deadLetters,
        audit,
        logger: silent,
        now: () => NOW + 60_000,
        newId: randomUUID,
        startDelayMs: 0,
      },
      request,
    );

    expect(done.state).toBe('done');
    const mine = events.filter((e) => gone.has(e.userId));
    expect(done.removed).toMatchObject({
      documents: mine.length,
      archiveLines: mine.length,
      deadLetters: 2,
      identityLinks: erased.length - 1,
    });
    expect(done.removed.storeRequests).toBeGreaterThan(0);
    expect(await ledger.get(request.id)).toMatchObject({
      state: 'done',
      userIds: [],
      erasedIds: [],
      fingerprints: erased.map(fingerprint).sort(),
    });
    expect(await figures(store, kept)).toEqual(await figures(reference, kept));
    expect(await cosmosDocumentsHolding(cosmos.client, erased)).toEqual([]);
    expect(await blobsHolding(erased)).toEqual([]);
    // The others' archive lines and dead letters stay.
    expect(await blobsHolding(['user-5'])).not.toEqual([]);
    expect(await deadLetters.byUser!(['user-5'])).toHaveLength(1);
  }, 180_000);
});
