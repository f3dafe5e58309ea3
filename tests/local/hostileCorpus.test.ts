import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rawExchange, shapeProblem, startHardenedHost } from '../support/rawHttp.js';

/** A string, or parts to concatenate, where `[text, n]` is `text` repeated n times (keeps the file small). */
type Text = string | (string | [Text, number])[];

interface Entry {
  name: string;
  why?: string;
  request?: { method: string; path: string; headers?: Record<string, string>; body?: Text };
  raw?: Text;
  end?: boolean;
  expect: number | 'closed';
}

const corpus = JSON.parse(
  readFileSync(new URL('../corpus/hostile-inputs.json', import.meta.url), 'utf8'),
) as Entry[];

const expand = (text: Text): string =>
  typeof text === 'string'
    ? text
    : text.map((p) => (typeof p === 'string' ? p : expand(p[0]).repeat(p[1]))).join('');

/** The bytes of an entry: its raw text (latin1, byte for byte), or an HTTP/1.1 request built from its parts. */
function bytesOf(entry: Entry): Buffer {
  if (entry.raw !== undefined) return Buffer.from(expand(entry.raw), 'latin1');
  const { method, path, headers = {}, body } = entry.request!;
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(expand(body), 'utf8');
  const lines = [`${method} ${path} HTTP/1.1`];
  if (!('host' in headers)) lines.push('Host: 127.0.0.1');
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push(`Content-Length: ${payload.length}`);
  lines.push('Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), payload]);
}

describe('the hostile-input corpus, replayed against the local host', () => {
  let host: Awaited<ReturnType<typeof startHardenedHost>>;
  beforeAll(async () => {
    host = await startHardenedHost();
  });
  afterAll(() => host.stop());

  it.each(corpus.map((e) => [e.name, e] as const))('%s', async (_name, entry) => {
    const answer = await rawExchange(host.port, bytesOf(entry), {
      end: entry.end,
      head: entry.request?.method === 'HEAD',
    });
    if (entry.expect === 'closed') {
      expect(answer).toBe('closed');
    } else {
      expect(answer, 'an answer').not.toBeTypeOf('string');
      const { status, headers, body } = answer as Exclude<typeof answer, string>;
      expect(status).toBe(entry.expect);
      expect(shapeProblem(status, body, entry.request?.method)).toBeUndefined();
      expect(headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('stays healthy, logs no incident, and never logs a key or an event body', async () => {
    const res = await fetch(`${host.url}/api/health`);
    expect(res.status).toBe(200);
    const log = host.logger.lines.join('\n');
    expect(log).toContain('"function":"ingest"');
    expect(log).not.toMatch(/unexpected error/);
    expect(log).not.toContain('LEAKCHECK');
    expect(log).not.toContain('body-leak-marker');
  });
});
