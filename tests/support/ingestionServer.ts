import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { gunzipSync } from 'node:zlib';

/**
 * A self-signed certificate for 127.0.0.1 and localhost, valid until 2126, made for this server
 * only (`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 36500
 * -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost`). The exporter always
 * speaks https (it rewrites an http:// IngestionEndpoint), so a plain HTTP server cannot stand in.
 */
export const INGESTION_TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUIjR4JHc/JMzmahPY/7N8VhBZMakwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNDIxNTQxOFoYDzIxMjYxMDMx
MjE1NDE4WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT4MgZNwnjbRHyLlKg07i30WebAAANCgfwRfqoIN1d/Pzf583TBkJlD
3yJrD+osySVmWnkHq2jLATu851na9WAZo28wbTAdBgNVHQ4EFgQU+e3KE23FKBSq
XVjZdz8rQQlrwvMwHwYDVR0jBBgwFoAU+e3KE23FKBSqXVjZdz8rQQlrwvMwGgYD
VR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI
zj0EAwIDSQAwRgIhAL6P4NSuyW3oxFuSjBrsvh/LDyCKmuFVKl5YygnZJ5szAiEA
3KmOnBF8bHHPYbA/g33O2Heh65UkKhWGuV3FT9nWPjs=
-----END CERTIFICATE-----
`;
const INGESTION_TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglILU8/zcXHdwdGAZ
GxG8rVuMdBQkQUgxyJw61b6N3y6hRANCAAT4MgZNwnjbRHyLlKg07i30WebAAANC
gfwRfqoIN1d/Pzf583TBkJlD3yJrD+osySVmWnkHq2jLATu851na9WAZ
-----END PRIVATE KEY-----
`;

/** One Application Insights envelope as the exporter posts it (Breeze v2 schema). */
export interface Envelope {
  name: string;
  time: string;
  iKey: string;
  tags: Record<string, string>;
  data: {
    baseType: string;
    baseData: {
      name?: string;
      properties?: Record<string, string>;
      measurements?: Record<string, number>;
      metrics?: { name: string; value: number; count?: number; min?: number; max?: number }[];
    };
  };
}

export interface IngestionServer {
  /** `InstrumentationKey=...;IngestionEndpoint=https://127.0.0.1:<port>/`. */
  connectionString: string;
  /** Every envelope received so far, in arrival order. */
  envelopes: Envelope[];
  /** Request paths seen (the exporter posts to /v2.1/track). */
  paths: string[];
  /** Resolves with the envelopes matching `match` once `count` of them have arrived. */
  waitFor(match: (e: Envelope) => boolean, count?: number, timeoutMs?: number): Promise<Envelope[]>;
  close(): Promise<void>;
}

export const TEST_IKEY = '00000000-0000-0000-0000-000000000000';

/**
 * An HTTPS stand-in for the Application Insights ingestion endpoint on a free loopback port: it
 * accepts every envelope (gzip or not, JSON array or newline-delimited) and records it.
 */
export async function startIngestionServer(): Promise<IngestionServer> {
  const envelopes: Envelope[] = [];
  const paths: string[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer(
    { cert: INGESTION_TEST_CERT, key: INGESTION_TEST_KEY },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        paths.push(req.url ?? '');
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const items = parseEnvelopes(body.toString('utf8'));
        envelopes.push(...items);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }),
        );
        for (const wake of waiters) wake();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    connectionString: `InstrumentationKey=${TEST_IKEY};IngestionEndpoint=https://127.0.0.1:${port}/`,
    envelopes,
    paths,
    waitFor(match, count = 1, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = envelopes.filter(match);
          if (found.length < count) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = envelopes.map(
            (e) => e.data.baseData.name ?? e.data.baseData.metrics?.[0]?.name,
          );
          reject(
            new Error(
              `expected ${count} matching envelope(s) within ${timeoutMs} ms; got ${JSON.stringify(seen)}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseEnvelopes(text: string): Envelope[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Envelope[];
  return trimmed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Envelope);
}

/**
 * Makes this process trust the test certificate for every TLS client created afterwards (the
 * exporter builds its own agent, so there is no per-request option to pass). Returns the undo.
 */
export function trustIngestionTestCert(): () => void {
  const before = getCACertificates('default');
  setDefaultCACertificates([...before, INGESTION_TEST_CERT]);
  return () => setDefaultCACertificates(before);
}
