import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A second origin for browser tests: a tiny node:http server on another port that serves the given
 * pages and files (the libraries' bundles read from node_modules), so every call to the API is a
 * cross-origin call, as from a customer's website. Anything else is a 404; /favicon.ico a 204.
 */
export async function startSecondOrigin(
  pages: Record<string, string>,
  files: Record<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') return res.writeHead(204).end();
    const page = pages[path];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page);
    }
    const file = files[path];
    if (file !== undefined) {
      res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8' });
      return res.end(readFileSync(file));
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // localhost, not 127.0.0.1: another origin than the API's (http://127.0.0.1:<port>).
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
