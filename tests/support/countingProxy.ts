import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  request as httpRequest,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * One billable unit seen on the wire: a Cosmos DB operation (a point operation, a query, or one
 * operation inside a bulk request) or a Blob Storage call.
 */
export interface CountedOperation {
  /** Cosmos DB: the container; Blob: the container. */
  container: string;
  /** Create, Upsert, Read, Replace, Delete, Patch, Query, ReadFeed; Blob: PutBlob, PutBlock, … */
  operation: string;
  status: number;
  /** Bytes of the document written, or read back (Read, Query: the documents returned). */
  documentBytes: number;
  /** Documents a query returned. */
  documents?: number;
}

export interface CountedRequest {
  method: string;
  path: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  /** False for account, database, container and partition key range metadata. */
  data: boolean;
  /** Bulk requests carry up to 100. */
  operations: CountedOperation[];
}

export interface CountingProxy {
  endpoint: string;
  readonly requests: readonly CountedRequest[];
  /** Every operation of every data request. */
  operations(): CountedOperation[];
  reset(): void;
  close(): Promise<void>;
}

export type ProxiedService = 'cosmos' | 'blob';

const serverPackage = createRequire(import.meta.url).resolve(
  '@vercel/cosmosdb-server/package.json',
);

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const jsonBytes = (value: unknown) =>
  value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

interface BulkOperation {
  operationType?: string;
  resourceBody?: unknown;
}
interface BulkResult {
  statusCode?: number;
  resourceBody?: unknown;
}

/** The operations of one Cosmos DB REST request (paths /dbs/{db}/colls/{coll}/docs[/{id}]). */
export function cosmosOperations(
  req: { method: string; path: string; headers: IncomingMessage['headers'] },
  requestBody: Buffer,
  status: number,
  responseBody: Buffer,
): CountedOperation[] | undefined {
  const m = /^\/dbs\/[^/]+\/colls\/([^/]+)\/docs(?:\/([^/?]+))?/.exec(req.path);
  if (!m) return undefined;
  const container = decodeURIComponent(m[1]!);
  const header = (name: string) => String(req.headers[name] ?? '').toLowerCase();
  if (header('x-ms-cosmos-is-batch-request') === 'true') {
    const ops = (parseJson(requestBody) as BulkOperation[] | undefined) ?? [];
    const results = parseJson(responseBody);
    return ops.map((op, i) => {
      const result = Array.isArray(results) ? (results[i] as BulkResult | undefined) : undefined;
      const type = op.operationType ?? 'Unknown';
      return {
        container,
        operation: type,
        status: result?.statusCode ?? status,
        documentBytes: jsonBytes(type === 'Read' ? result?.resourceBody : op.resourceBody),
      };
    });
  }
  const isQuery =
    header('x-ms-documentdb-isquery') === 'true' ||
    header('content-type').startsWith('application/query+json');
  if (req.method === 'POST' && isQuery) {
    const docs = (parseJson(responseBody) as { Documents?: unknown[] } | undefined)?.Documents;
    return [
      {
        container,
        operation: 'Query',
        status,
        documentBytes: responseBody.length,
        documents: docs?.length ?? 0,
      },
    ];
  }
  const operation =
    req.method === 'POST'
      ? header('x-ms-documentdb-is-upsert') === 'true'
        ? 'Upsert'
        : 'Create'
      : req.method === 'GET'
        ? m[2]
          ? 'Read'
          : 'ReadFeed'
        : req.method === 'PUT'
          ? 'Replace'
          : req.method === 'DELETE'
            ? 'Delete'
            : req.method === 'PATCH'
              ? 'Patch'
              : req.method;
  const written = ['Create', 'Upsert', 'Replace'].includes(operation);
  return [
    {
      container,
      operation,
      status,
      documentBytes: written ? requestBody.length : operation === 'Read' ? responseBody.length : 0,
    },
  ];
}

/** The operation of one Blob REST request (path /{account}/{container}[/{blob}] on Azurite). */
export function blobOperation(
  req: { method: string; path: string; headers: IncomingMessage['headers'] },
  requestBody: Buffer,
  status: number,
): CountedOperation[] | undefined {
  const url = new URL(req.path, 'http://blob.invalid');
  const parts = url.pathname.split('/').filter(Boolean);
  const container = decodeURIComponent(parts[1] ?? '');
  const comp = url.searchParams.get('comp');
  const isContainer = url.searchParams.get('restype') === 'container';
  let operation: string;
  if (req.method === 'PUT' && isContainer) operation = 'CreateContainer';
  else if (req.method === 'PUT' && comp === 'block') operation = 'PutBlock';
  else if (req.method === 'PUT' && comp === 'blocklist') operation = 'PutBlockList';
  else if (req.method === 'PUT' && req.headers['x-ms-blob-type']) operation = 'PutBlob';
  else if (req.method === 'GET' && comp === 'list') operation = 'ListBlobs';
  else if (req.method === 'GET') operation = 'GetBlob';
  else if (req.method === 'HEAD') operation = 'GetProperties';
  else operation = `${req.method}${comp ? `:${comp}` : ''}`;
  return [{ container, operation, status, documentBytes: requestBody.length }];
}

/**
 * A proxy in front of a local peer that forwards every request unchanged and records what it was:
 * the requests and, inside them, the billable operations. HTTPS with the Cosmos DB test server's
 * certificate for `cosmos` (account documents are rewritten to name the proxy, so the SDK's
 * endpoint discovery does not route around it), plain HTTP for `blob` (Azurite).
 */
export async function startCountingProxy(
  target: string,
  service: ProxiedService,
): Promise<CountingProxy> {
  const targetUrl = new URL(target);
  const secure = targetUrl.protocol === 'https:';
  let requests: CountedRequest[] = [];
  let ownOrigin = '';

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((body) => {
      const forward = secure ? httpsRequest : httpRequest;
      const upstream = forward(
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
            const isJson = String(answer.headers['content-type'] ?? '').includes('json');
            const out = isJson
              ? Buffer.from(
                  raw.toString('utf8').replaceAll(`${targetUrl.origin}/`, `${ownOrigin}/`),
                )
              : raw;
            const status = answer.statusCode ?? 502;
            const described = {
              method: req.method ?? 'GET',
              path: req.url ?? '/',
              headers: req.headers,
            };
            const operations =
              service === 'cosmos'
                ? cosmosOperations(described, body, status, raw)
                : blobOperation(described, body, status);
            requests.push({
              method: described.method,
              path: described.path,
              status,
              requestBytes: body.length,
              responseBytes: raw.length,
              data: operations !== undefined,
              operations: operations ?? [],
            });
            const headers = { ...answer.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            res.writeHead(status, { ...headers, 'content-length': String(out.length) });
            res.end(out);
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  };

  const server = secure
    ? createHttpsServer(
        {
          cert: readFileSync(join(dirname(serverPackage), 'cert.pem')),
          key: readFileSync(join(dirname(serverPackage), 'key.pem')),
        },
        handle,
      )
    : createHttpServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  ownOrigin = `${secure ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint: ownOrigin,
    get requests() {
      return requests;
    },
    operations: () => requests.flatMap((r) => r.operations),
    reset() {
      requests = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
