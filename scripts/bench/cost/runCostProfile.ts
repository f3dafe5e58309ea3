import { randomUUID } from 'node:crypto';

import azf from '@azure/functions';
import { ServiceBusClient } from '@azure/service-bus';
import { BlobServiceClient } from '@azure/storage-blob';

import { createBlobArchive } from '../../../src/adapters/archive/blobArchive.js';
import { createCosmosDeadLetterSink } from '../../../src/adapters/cosmos/cosmosDeadLetterSink.js';
import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { createCosmosClient } from '../../../src/adapters/cosmos/createCosmosClient.js';
import type { WriteMemo } from '../../../src/adapters/cosmos/writeMemo.js';
import { createModelSource } from '../../../src/adapters/model/createModelSource.js';
import { createServiceBusQueue } from '../../../src/adapters/servicebus/serviceBusQueue.js';
import { loadConfig } from '../../../src/config.js';
import { createIngestHandler } from '../../../src/functions/ingest.js';
import { createScorerHandler } from '../../../src/functions/scorer.js';
import type { Logger, Telemetry } from '../../../src/ports/index.js';
import type { Deps } from '../../../src/wiring/deps.js';
import { startAmqpBroker } from '../../../tests/support/amqpBroker.js';
import { startAzuriteBlob } from '../../../tests/support/azurite.js';
import { startCosmosServer } from '../../../tests/support/cosmosServer.js';
import { startCountingProxy } from '../../../tests/support/countingProxy.js';
import { testDeps } from '../../../tests/support/testDeps.js';
import type { Counts } from './costModel.js';

export interface CostProfile {
  name: string;
  /** Events in one POST /api/events. */
  eventsPerRequest: number;
  /** Events one user sends in a day (all on one UTC day here). */
  eventsPerUserDay: number;
  /** true: a request carries one user's events (a client SDK); false: every request mixes users. */
  oneUserPerRequest: boolean;
  /** Messages the Functions host hands the scorer at once. */
  scorerBatch: number;
  /** Events sent; counts are reported per 1,000. */
  events: number;
}

const DAY = '2026-11-24';
const TYPES = ['page_view', 'click', 'add_to_cart', 'checkout', 'purchase', 'signup'];
const DEVICES = ['mobile', 'desktop', 'tablet'];

/**
 * The order events reach the API: users of a day interleaved (event i is user i mod U) when
 * requests mix users, so each request and each scorer batch sees a user at most once, the way
 * a busy server-side integration sends them; one user's events back to back otherwise.
 */
export function profileEvents(p: CostProfile): Record<string, unknown>[] {
  const users = Math.max(1, Math.round(p.events / p.eventsPerUserDay));
  return Array.from({ length: p.events }, (_, i) => {
    const user = p.oneUserPerRequest ? Math.floor(i / p.eventsPerUserDay) : i % users;
    const type = TYPES[i % TYPES.length]!;
    const seconds = (i * 86_399) / p.events;
    return {
      eventId: randomUUID(),
      userId: `user-${String(user).padStart(6, '0')}`,
      type,
      occurredAt: new Date(Date.parse(`${DAY}T00:00:00Z`) + seconds * 1000).toISOString(),
      ...(type === 'purchase' || type === 'checkout' ? { amount: 10 + (i % 90) } : {}),
      properties: {
        device: DEVICES[i % DEVICES.length]!,
        page: `/products/${i % 500}`,
        referrer: i % 3 === 0 ? 'https://www.example.com/search?q=shoes' : null,
        session_seconds: 30 + (i % 600),
      },
    };
  });
}

/** Messages of ≤ 64 KB each request's events would fill, packed as a JSON array in send order. */
const countingLogger = (counter: { lines: number }): Logger => ({
  info: () => void counter.lines++,
  warn: () => void counter.lines++,
  error: () => void counter.lines++,
});

/**
 * Sends a profile's events through the Azure path against the local peers and counts every
 * request: POST /api/events (ingest) → Service Bus (the AMQP test broker) → the scorer, driven the
 * way the Functions host drives it (peek-lock receive of a batch, the handler, one complete per
 * message) → Cosmos DB (@vercel/cosmosdb-server) and the Blob archive (Azurite), each behind a
 * counting proxy.
 */
export async function runCostProfile(
  p: CostProfile,
  options: { writeMemo?: WriteMemo } = {},
): Promise<Counts> {
  const cosmos = await startCosmosServer();
  const azurite = await startAzuriteBlob();
  const broker = await startAmqpBroker();
  const cosmosProxy = await startCountingProxy(cosmos.endpoint, 'cosmos');
  const blobPort = azurite.port;
  const blobProxy = await startCountingProxy(`http://127.0.0.1:${blobPort}`, 'blob');
  const cosmosClient = createCosmosClient(
    { COSMOS_ENDPOINT: cosmosProxy.endpoint, COSMOS_KEY: cosmos.key, AZURE_CLIENT_ID: undefined },
    { agent: cosmos.agent },
  );
  const sbClient = new ServiceBusClient(broker.connectionString);
  const blobService = BlobServiceClient.fromConnectionString(
    azurite.connectionString.replace(`127.0.0.1:${blobPort}`, blobProxy.endpoint.slice(7)),
  );
  // rhea (the test broker) prints one line per settlement the SDK sends without an outcome.
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('unrecognised outcome')) consoleError(...args);
  };
  const telemetryCount = { events: 0 };
  const logs = { lines: 0 };
  try {
    const loaded = loadConfig({}, 'local');
    if (!loaded.ok) throw new Error(loaded.message);
    const store = await createCosmosStore(cosmosClient, {
      database: 'cost',
      scoresContainer: 'scores',
      activityContainer: 'daily-activity',
      dailyEventsContainer: 'daily-events',
      usersContainer: 'users',
      deadLetterContainer: 'deadletters',
      createIfMissing: true,
      ...(options.writeMemo ? { writeMemo: options.writeMemo } : {}),
    });
    const deadLetters = createCosmosDeadLetterSink(
      cosmosClient.database('cost').container('deadletters'),
    );
    const container = blobService.getContainerClient('archive');
    await container.createIfNotExists();
    const telemetry: Telemetry = {
      trackEvent: () => void telemetryCount.events++,
      trackMetric: () => undefined,
    };
    const logger = countingLogger(logs);
    const models = await createModelSource(loaded.config, { logger, telemetry });
    const base = testDeps();
    const deps: Deps = {
      ...base,
      queue: createServiceBusQueue(sbClient, 'events'),
      store,
      deadLetters,
      archive: createBlobArchive(container),
      models,
      telemetry,
      logger,
      now: () => Date.parse(`${DAY}T23:59:59Z`),
    };
    // Setup (database, containers) is not what an event costs.
    cosmosProxy.reset();
    blobProxy.reset();

    const events = profileEvents(p);
    const ingest = createIngestHandler(deps);
    let busyMs = 0;
    let ingestCalls = 0;
    for (let i = 0; i < events.length; i += p.eventsPerRequest) {
      const started = performance.now();
      const response = await ingest(
        new azf.HttpRequest({
          method: 'POST',
          url: 'http://localhost/api/events',
          headers: { 'content-type': 'application/json' },
          body: { string: JSON.stringify({ events: events.slice(i, i + p.eventsPerRequest) }) },
        }),
        new azf.InvocationContext(),
      );
      busyMs += performance.now() - started;
      ingestCalls++;
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
    }

    const sent = broker.messages('events');
    const transfers = broker.transfers('events');
    broker.enqueue(
      'events',
      sent.map((m) => ({
        messageId: m.messageId!,
        body: m.body,
        contentType: m.contentType,
        applicationProperties: m.applicationProperties,
      })),
    );
    const receiver = sbClient.createReceiver('events', { receiveMode: 'peekLock' });
    const scorer = createScorerHandler(deps);
    let received = 0;
    let receiveCalls = 0;
    let completions = 0;
    let scorerCalls = 0;
    while (received < sent.length) {
      const batch = await receiver.receiveMessages(p.scorerBatch, { maxWaitTimeInMs: 2000 });
      receiveCalls++;
      if (batch.length === 0) throw new Error(`the broker delivered ${received} of ${sent.length}`);
      received += batch.length;
      const context = new azf.InvocationContext({
        functionName: 'scorer',
        triggerMetadata: {
          messageIdArray: batch.map((m) => m.messageId),
          deliveryCountArray: batch.map((m) => m.deliveryCount),
          applicationPropertiesArray: batch.map((m) => m.applicationProperties ?? {}),
        },
      });
      const started = performance.now();
      await scorer(
        batch.map((m) => m.body as unknown),
        context,
      );
      busyMs += performance.now() - started;
      scorerCalls++;
      for (const m of batch) {
        await receiver.completeMessage(m);
        completions++;
      }
    }
    await receiver.close();

    return {
      events: p.events,
      cosmos: cosmosProxy.operations(),
      cosmosRequests: cosmosProxy.requests.length,
      blob: blobProxy.operations(),
      serviceBus: {
        sendCalls: transfers.length,
        messagesSent: sent.length,
        messageBytes: sent.map((m) => Buffer.byteLength(JSON.stringify(m.body)) + 200),
        receiveCalls,
        messagesReceived: received,
        completions,
      },
      functions: { ingest: ingestCalls, scorer: scorerCalls, busyMs },
      telemetry: { customEvents: telemetryCount.events, logLines: logs.lines },
    };
  } finally {
    console.error = consoleError;
    await sbClient.close();
    cosmosClient.dispose();
    await Promise.allSettled([cosmosProxy.close(), blobProxy.close()]);
    await Promise.allSettled([cosmos.close(), azurite.stop(), broker.close()]);
  }
}
