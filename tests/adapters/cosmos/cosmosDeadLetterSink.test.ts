import { randomUUID } from 'node:crypto';

import type { Container, CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deadLetterContainer } from '../../../src/adapters/cosmos/containers.js';
import { createCosmosDeadLetterSink } from '../../../src/adapters/cosmos/cosmosDeadLetterSink.js';
import { openContainer } from '../../../src/adapters/cosmos/openContainer.js';
import { utcDay } from '../../../src/core/time/calendarDay.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';

let server: CosmosTestServer;
let client: CosmosClient;
let container: Container;

beforeAll(async () => {
  server = await startCosmosServer();
  client = server.client();
  container = await openContainer(
    client,
    `test-${randomUUID()}`,
    'deadletters',
    deadLetterContainer,
    true,
  );
});
afterAll(async () => {
  client.dispose();
  await server.close();
});

describe('createCosmosDeadLetterSink', () => {
  it('stores each dead letter under its key, partitioned by the day it was put', async () => {
    const sink = createCosmosDeadLetterSink(container);
    const before = Date.now();
    await sink.put([
      { key: 'm-1', reason: 'invalid_event', body: { userId: '' } },
      { key: 'm-2', reason: 'unparseable', body: 'not json' },
    ]);
    const day = utcDay(before);
    const { resource } = await container.item('m-1', day).read<Record<string, unknown>>();
    expect(resource).toMatchObject({
      id: 'm-1',
      day,
      reason: 'invalid_event',
      body: { userId: '' },
    });
    expect(Date.parse(String(resource?.at))).toBeGreaterThanOrEqual(before);
    const second = await container.item('m-2', day).read<Record<string, unknown>>();
    expect(second.resource?.body).toBe('not json');
  });

  it('takes the same key twice, as a redelivered message would bring it', async () => {
    const sink = createCosmosDeadLetterSink(container);
    await sink.put([{ key: 'm-3', reason: 'first', body: 1 }]);
    await sink.put([{ key: 'm-3', reason: 'second', body: 2 }]);
    const { resource } = await container
      .item('m-3', utcDay(Date.now()))
      .read<Record<string, unknown>>();
    expect(resource?.reason).toBe('second');
  });

  it('puts nothing for an empty list', async () => {
    await expect(createCosmosDeadLetterSink(container).put([])).resolves.toBeUndefined();
  });

  it('reads the dead letters whose body names one of the ids anywhere (a cross-partition query)', async () => {
    const sink = createCosmosDeadLetterSink(container);
    const u = `u-${randomUUID()}`;
    const set = { protocol: 'segment', message: { anonymousId: u } };
    await sink.put([
      { key: `${u}-1`, reason: 'r1', body: { userId: u, type: 'x' } },
      { key: `${u}-2`, reason: 'r2', body: { userId: `${u}-other` } },
      { key: `${u}-3`, reason: 'r3', body: 'raw' },
      { key: `${u}-4`, reason: 'r4', body: set },
    ]);
    const found = await sink.byUser!([u]);
    expect(found.sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual([
      { key: `${u}-1`, reason: 'r1', body: { userId: u, type: 'x' } },
      { key: `${u}-4`, reason: 'r4', body: set },
    ]);
    expect(await sink.byUser!([])).toEqual([]);
  });

  it('removes every dead letter holding one of the ids as a value at any depth, and no other', async () => {
    const sink = createCosmosDeadLetterSink(container);
    const u = `u-${randomUUID()}`;
    const anon = `anon-${randomUUID()}`;
    const other = `u-${randomUUID()}`;
    await sink.put([
      { key: `${u}-scorer`, reason: 'invalid_event', body: { userId: u, type: '' } },
      {
        key: `${u}-segment`,
        reason: 'message.type: unknown',
        body: { protocol: 'segment', message: { anonymousId: anon, type: 'nope' } },
      },
      {
        key: `${u}-posthog`,
        reason: 'event: required',
        body: { protocol: 'posthog', message: { properties: { $anon_distinct_id: anon } } },
      },
      { key: `${u}-raw`, reason: 'unparseable', body: `{"distinct_id":"${u}"}` },
      { key: `${u}-near`, reason: 'r', body: { userId: `${u}x`, note: `about ${u}` } },
      { key: `${u}-key`, reason: 'r', body: { [u]: 'a key is not a value' } },
      { key: `${u}-other`, reason: 'r', body: { userId: other } },
    ]);
    expect(await sink.removeUsers!([u, anon])).toBe(4);
    const { resources } = await container.items
      .query<{ id: string }>({
        query: 'SELECT c.id FROM c WHERE STARTSWITH(c.id, @u)',
        parameters: [{ name: '@u', value: u }],
      })
      .fetchAll();
    expect(resources.map((r) => r.id).sort()).toEqual([`${u}-key`, `${u}-near`, `${u}-other`]);
    expect(await sink.removeUsers!([u, anon])).toBe(0);
    expect(await sink.removeUsers!([])).toBe(0);
  });
});
