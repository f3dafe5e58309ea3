import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runImportCommand } from '../../src/import/runImportCommand.js';

/** Runs `npm run import` in this process, capturing what it prints. */
export async function runImport(args: string[], signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runImportCommand(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    tty: false,
    signal,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export const workDir = () => mkdtempSync(join(tmpdir(), 'scoring-import-'));
export const prefix = () => `t${randomUUID().slice(0, 8)}`;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface Seen {
  at: number;
  eventIds: string[];
  status: number;
}

/**
 * A stand-in in front of the local host: `answer` decides per request (by its 0-based number) whether
 * to reply itself (503, 429…) or forward to the host; every request's event ids are recorded.
 */
export async function startGate(
  target: string,
  answer: (
    n: number,
  ) => { status: number; headers?: Record<string, string> } | 'forward' | { delayMs: number },
): Promise<{ url: string; seen: Seen[]; close(): Promise<void>; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const n = seen.length;
      const parsed = JSON.parse(body.toString()) as { events: { eventId: string }[] };
      const record: Seen = {
        at: performance.now(),
        eventIds: parsed.events.map((e) => e.eventId),
        status: 0,
      };
      seen.push(record);
      const decision = answer(n);
      if (typeof decision === 'object' && 'status' in decision) {
        record.status = decision.status;
        response.writeHead(decision.status, {
          'content-type': 'application/json',
          ...decision.headers,
        });
        response.end(JSON.stringify({ error: { code: 'busy', message: 'try later' } }));
        return;
      }
      if (typeof decision === 'object') await new Promise((r) => setTimeout(r, decision.delayMs));
      const forwarded = await fetch(`${target}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      record.status = forwarded.status;
      response.writeHead(forwarded.status, { 'content-type': 'application/json' });
      response.end(Buffer.from(await forwarded.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
