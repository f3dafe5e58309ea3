import type { AddressInfo } from 'node:net';
import { Agent } from 'node:https';

import { createHttpsServer } from '@vercel/cosmosdb-server';

export interface CosmosTestServer {
  endpoint: string;
  /** Any key is accepted; this one only has the shape of a real one. */
  key: string;
  /** Trusts the server's self-signed certificate; for tests only. */
  agent: Agent;
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
  return {
    endpoint: `https://127.0.0.1:${port}`,
    key: Buffer.from('cosmosdb-server-test-key').toString('base64'),
    agent,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
