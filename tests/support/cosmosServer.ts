import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';

import type { CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { afterAll, beforeAll } from 'vitest';

import { cosmosIdOf } from '../../src/adapters/cosmos/cosmosIdOf.js';
import { createCosmosClient } from '../../src/adapters/cosmos/createCosmosClient.js';

export interface CosmosTestServer {
  endpoint: string;
  /** Any key is accepted; this one only has the shape of a real one. */
  key: string;
  /** Trusts the server's self-signed certificate; for tests only. */
  agent: Agent;
  /** A client of the real SDK for this server, as the app builds one; the caller disposes of it. */
  client(): CosmosClient;
  close(): Promise<void>;
}

/** Starts @vercel/cosmosdb-server on a free port, in this process. */
export async function startCosmosServer(): Promise<CosmosTestServer> {
  const server = createHttpsServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ rejectUnauthorized: false, keepAlive: true });
  const endpoint = `https://127.0.0.1:${port}`;
  const key = Buffer.from('cosmosdb-server-test-key').toString('base64');
  return {
    endpoint,
    key,
    agent,
    client: () =>
      createCosmosClient(
        { COSMOS_ENDPOINT: endpoint, COSMOS_KEY: key, AZURE_CLIENT_ID: undefined },
        { agent },
      ),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The test server and a client of it for the calling test file: started before its tests, stopped
 * after them. Read `server` and `client` inside tests or hooks, not at module load.
 */
export function useCosmosServer(): {
  readonly server: CosmosTestServer;
  readonly client: CosmosClient;
} {
  let server: CosmosTestServer | undefined;
  let client: CosmosClient | undefined;
  beforeAll(async () => {
    server = await startCosmosServer();
    client = server.client();
  });
  afterAll(async () => {
    client?.dispose();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the Cosmos test server is not started yet');
      return server;
    },
    get client() {
      if (!client) throw new Error('the Cosmos test server is not started yet');
      return client;
    },
  };
}

/** Every document on the test server, every database and container, that holds one of the ids. */
export async function cosmosDocumentsHolding(client: CosmosClient, ids: readonly string[]) {
  const needles = ids.flatMap((id) => [JSON.stringify(id), JSON.stringify(cosmosIdOf(id))]);
  const found: string[] = [];
  const { resources: databases } = await client.databases.readAll().fetchAll();
  for (const { id: db } of databases) {
    const { resources: containers } = await client.database(db).containers.readAll().fetchAll();
    for (const { id: name } of containers) {
      const { resources } = await client.database(db).container(name).items.readAll().fetchAll();
      for (const doc of resources) {
        const json = JSON.stringify(doc);
        if (needles.some((n) => json.includes(n))) found.push(`${db}/${name}: ${json}`);
      }
    }
  }
  return found;
}

/**
 * A one-container part (keys, suppressions, audit log, deletion ledger) opened in a database of its
 * own on the test server, as the app opens it; `cleanup` closes it and drops the database.
 */
export async function openInFreshDatabase<T extends { close(): Promise<void> }>(
  client: CosmosClient,
  container: string,
  open: (
    client: CosmosClient,
    options: { database: string; container: string; createIfMissing: boolean },
  ) => Promise<T>,
) {
  const database = `test-${randomUUID()}`;
  const reopen = () => open(client, { database, container, createIfMissing: true });
  const part = await reopen();
  return {
    part,
    database,
    reopen,
    async cleanup() {
      await part.close();
      await client.database(database).delete();
    },
  };
}
