import type { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { requestUnits } from '../../scripts/bench/cost/costModel.js';
import { createCosmosClient } from '../../src/adapters/cosmos/createCosmosClient.js';
import { executeBulk } from '../../src/adapters/cosmos/executeBulk.js';
import { type AzuriteBlob, startAzuriteBlob } from './azurite.js';
import { type CosmosTestServer, startCosmosServer } from './cosmosServer.js';
import { type CountingProxy, startCountingProxy } from './countingProxy.js';

// The cost bench's counts are only as good as this: known operations, counted as they are.
describe('counting proxy, Cosmos DB', () => {
  let server: CosmosTestServer;
  let proxy: CountingProxy;
  let client: CosmosClient;

  beforeAll(async () => {
    server = await startCosmosServer();
    proxy = await startCountingProxy(server.endpoint, 'cosmos');
    client = createCosmosClient(
      { COSMOS_ENDPOINT: proxy.endpoint, COSMOS_KEY: server.key, AZURE_CLIENT_ID: undefined },
      { agent: server.agent },
    );
    const { database } = await client.databases.createIfNotExists({ id: 'counted' });
    await database.containers.createIfNotExists({ id: 'c', partitionKey: { paths: ['/pk'] } });
  });
  afterAll(async () => {
    client?.dispose();
    await proxy?.close();
    await server?.close();
  });

  it('counts a create, a repeated create, a point read and a miss, with sizes', async () => {
    const container = client.database('counted').container('c');
    proxy.reset();
    const doc = { id: 'a', pk: 'p', text: 'x'.repeat(1000) };
    await container.items.create(doc);
    await container.items.create(doc).catch((e: { code?: number }) => expect(e.code).toBe(409));
    await container.item('a', 'p').read();
    await container.item('missing', 'p').read();
    const ops = proxy.operations();
    expect(ops.map((o) => [o.container, o.operation, o.status])).toEqual([
      ['c', 'Create', 201],
      ['c', 'Create', 409],
      ['c', 'Read', 200],
      ['c', 'Read', 404],
    ]);
    expect(ops[0]!.documentBytes).toBe(Buffer.byteLength(JSON.stringify(doc)));
    expect(ops[2]!.documentBytes).toBeGreaterThan(1000);
    expect(proxy.requests.every((r) => r.data)).toBe(true);
  });

  it('counts each operation of a bulk request, and the requests that carried them', async () => {
    const container = client.database('counted').container('c');
    proxy.reset();
    const operations = Array.from({ length: 150 }, (_, i) => ({
      operationType: 'Create' as const,
      partitionKey: 'bulk',
      resourceBody: { id: `b${i}`, pk: 'bulk' },
    }));
    const outcome = await executeBulk(container, operations);
    expect(outcome.statusCodes.filter((s) => s === 201)).toHaveLength(150);
    const ops = proxy.operations();
    expect(ops).toHaveLength(150);
    expect(ops.every((o) => o.operation === 'Create' && o.status === 201)).toBe(true);
    expect(ops[0]!.documentBytes).toBe(JSON.stringify({ id: 'b0', pk: 'bulk' }).length);
    expect(proxy.requests.filter((r) => r.data)).toHaveLength(2);
  });
});

describe('counting proxy, Blob Storage', () => {
  let azurite: AzuriteBlob;
  let proxy: CountingProxy;

  beforeAll(async () => {
    azurite = await startAzuriteBlob();
    proxy = await startCountingProxy(`http://127.0.0.1:${azurite.port}`, 'blob');
  });
  afterAll(async () => {
    await proxy?.close();
    await azurite?.stop();
  });

  it('counts a container create, a Put Blob with its size, and a list', async () => {
    const service = BlobServiceClient.fromConnectionString(
      azurite.connectionString.replace(`127.0.0.1:${azurite.port}`, proxy.endpoint.slice(7)),
    );
    const container = service.getContainerClient('counted');
    await container.create();
    await container.getBlockBlobClient('a.gz').uploadData(Buffer.alloc(5000, 1));
    for await (const _ of container.listBlobsFlat()) void _;
    expect(proxy.operations().map((o) => [o.container, o.operation, o.documentBytes])).toEqual([
      ['counted', 'CreateContainer', 0],
      ['counted', 'PutBlob', 5000],
      ['counted', 'ListBlobs', 0],
    ]);
  });
});

describe('requestUnits', () => {
  const op = (operation: string, status: number, documentBytes: number) => ({
    container: 'c',
    operation,
    status,
    documentBytes,
  });

  it('follows the documented table, interpolating between rows', () => {
    expect(requestUnits(op('Create', 201, 1024))).toBe(4.95);
    expect(requestUnits(op('Create', 201, 200))).toBe(4.95);
    expect(requestUnits(op('Upsert', 200, 1536))).toBeCloseTo((4.95 + 6.29) / 2, 10);
    expect(requestUnits(op('Read', 200, 1024))).toBe(1);
    expect(requestUnits(op('Read', 200, 64 * 1024))).toBe(4.76);
  });

  it('charges the stated assumptions for misses and conflicts', () => {
    expect(requestUnits(op('Read', 404, 0))).toBe(1);
    expect(requestUnits(op('Create', 409, 300))).toBe(1);
    expect(requestUnits(op('Replace', 412, 300))).toBe(1);
  });
});
