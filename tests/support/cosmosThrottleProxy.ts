import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * How to answer a bulk request picked for throttling: `request` answers the whole request 429, as
 * the service does when the partition is over its budget; `operations` answers 207 with every
 * operation 429, as it does when only part of a batch could not be served. Neither is applied.
 */
export type ThrottleMode = 'request' | 'operations';

export interface CosmosThrottleProxy {
  endpoint: string;
  /** The next `count` bulk requests are throttled. */
  throttleNext(count: number, mode: ThrottleMode, retryAfterMs?: number): void;
  /** The next `count` bulk requests get a 207 with every operation answered `statusCode`. */
  failNext(count: number, statusCode: number): void;
  /** Bulk requests seen, throttled or forwarded. */
  readonly bulkRequests: number;
  readonly throttled: number;
  close(): Promise<void>;
}

const serverPackage = createRequire(import.meta.url).resolve(
  '@vercel/cosmosdb-server/package.json',
);
const tls = {
  cert: readFileSync(join(dirname(serverPackage), 'cert.pem')),
  key: readFileSync(join(dirname(serverPackage), 'key.pem')),
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An HTTPS proxy in front of a Cosmos test server that throttles bulk requests on demand. */
export async function startCosmosThrottleProxy(target: string): Promise<CosmosThrottleProxy> {
  const targetUrl = new URL(target);
  let pending = { count: 0, mode: 'request' as ThrottleMode, retryAfterMs: 0, statusCode: 429 };
  let bulkRequests = 0;
  let throttled = 0;
  let ownEndpoint = '';

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstream = httpsRequest(
      {
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: targetUrl.host },
        rejectUnauthorized: false,
      },
      (answer) => {
        void readBody(answer).then((raw) => {
          // The account document names the endpoint to use; point it back at the proxy so that
          // endpoint discovery does not route around it.
          const text = raw.toString('utf8').replaceAll(`${targetUrl.origin}/`, `${ownEndpoint}/`);
          const headers = { ...answer.headers };
          delete headers['content-length'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(text);
        });
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  };

  const server = createServer(tls, (req, res) => {
    void readBody(req).then((body) => {
      const isBulk =
        String(req.headers['x-ms-cosmos-is-batch-request']).toLowerCase() === 'true' &&
        req.headers['x-ms-cosmos-batch-atomic'] !== 'true';
      if (!isBulk) return forward(req, res, body);
      bulkRequests += 1;
      if (pending.count === 0) return forward(req, res, body);
      pending.count -= 1;
      if (pending.statusCode === 429) throttled += 1;
      const retryAfter = String(pending.retryAfterMs);
      if (pending.mode === 'request') {
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-ms-retry-after-ms': retryAfter,
        });
        res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large' }));
        return;
      }
      const operations = JSON.parse(body.toString('utf8')) as unknown[];
      res.writeHead(207, { 'content-type': 'application/json', 'x-ms-request-charge': '0' });
      res.end(
        JSON.stringify(
          operations.map(() => ({
            statusCode: pending.statusCode,
            subStatusCode: pending.statusCode === 429 ? 3200 : 0,
            requestCharge: 0,
            retryAfterMilliseconds: pending.retryAfterMs,
          })),
        ),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  ownEndpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint: ownEndpoint,
    throttleNext(count, mode, retryAfterMs = 10) {
      pending = { count, mode, retryAfterMs, statusCode: 429 };
    },
    failNext(count, statusCode) {
      pending = { count, mode: 'operations', retryAfterMs: 0, statusCode };
    },
    get bulkRequests() {
      return bulkRequests;
    },
    get throttled() {
      return throttled;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
