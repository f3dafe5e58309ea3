import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRoot } from '../../src/appRoot.js';
import { exportCommand } from '../../src/commands/export/exportCommand.js';
import { eventually, startTestHost } from '../support/localHost.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;
type Line = { kind: string } & Record<string, unknown>;

const parse = (text: string): Line[] =>
  text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Line);

// A person with an anonymous id linked by identify, a trait, and someone else beside them.
describe("a person's export through the local host and the CLI", () => {
  let host: Host;
  const user = `exp-${randomUUID()}`;
  const anon = `anon:${randomUUID()}`;
  const other = `exp-other-${randomUUID()}`;

  beforeAll(async () => {
    host = await startTestHost();
    const events = [
      { eventId: randomUUID(), userId: anon, type: 'page_view' },
      { eventId: randomUUID(), userId: anon, type: 'page_view' },
      {
        eventId: randomUUID(),
        userId: user,
        type: 'signup',
        link: { previousId: anon, via: 'identify' },
        traits: { plan: 'pro' },
      },
      { eventId: randomUUID(), userId: other, type: 'page_view' },
    ];
    const res = await fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    await eventually(async () => {
      const r = await fetch(`${host.url}/api/users/${encodeURIComponent(user)}/scores`);
      const body = (await r.json()) as { items: unknown[] };
      return body.items.length === 3 ? true : undefined;
    });
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  it('streams documents, profile, link and a summary as NDJSON, chunked', async () => {
    // The scorer writes the archive beside the store: its object may land a moment later.
    const res = await eventually(async () => {
      const r = await fetch(`${host.url}/api/privacy/users/${encodeURIComponent(anon)}/export`);
      const text = await r.clone().text();
      return text.includes('"present":true') ? r : undefined;
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    const lines = parse(await res.text());
    const documents = lines.filter((l) => l.kind === 'document');
    expect(documents.map((d) => (d.document as { userId: string }).userId).sort()).toEqual(
      [anon, anon, user].sort(),
    );
    expect(JSON.stringify(lines)).not.toContain(other);
    expect(lines.filter((l) => l.kind === 'profile')).toEqual([
      expect.objectContaining({ personId: user }),
    ]);
    expect(JSON.stringify(lines.find((l) => l.kind === 'profile'))).toContain('pro');
    expect(lines.filter((l) => l.kind === 'link')).toEqual([
      { kind: 'link', personId: user, linkedId: anon },
    ]);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({
      kind: 'summary',
      userId: anon,
      personId: user,
      documents: 3,
      links: 1,
      profile: true,
      deadLetters: 0,
    });
    const archive = summary.archive as { hours: string[]; present: boolean };
    expect(archive.present).toBe(true);
    expect(archive.hours.length).toBeGreaterThan(0);
    expect(archive.hours[0]).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\d{2}\/$/);
  });

  it('gives an unknown id just its summary, and a bad id a 400', async () => {
    const res = await fetch(`${host.url}/api/privacy/users/nobody-${randomUUID()}/export`);
    expect(res.status).toBe(200);
    const lines = parse(await res.text());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: 'summary', documents: 0, archive: { present: false } });
    const bad = await fetch(`${host.url}/api/privacy/users/${'x'.repeat(256)}/export`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_parameter',
    );
  });

  it('writes the same lines to a file with the CLI', async () => {
    const out = join(host.dataDir, 'person.ndjson');
    const said: string[] = [];
    const code = await exportCommand(['--user', user, '--out', out], {
      out: (l) => said.push(l),
      err: (l) => said.push(l),
      env: { DATA_DIR: host.dataDir },
      baseDir: appRoot(),
      tty: false,
      signal: new AbortController().signal,
    });
    expect(said.join('\n')).toContain('wrote 6 lines');
    expect(code).toBe(0);
    const lines = parse(readFileSync(out, 'utf8'));
    expect(lines.map((l) => l.kind)).toEqual([
      'document',
      'document',
      'document',
      'profile',
      'link',
      'summary',
    ]);
  });

  it('answers a CLI call without --user with usage and code 2', async () => {
    const said: string[] = [];
    const code = await exportCommand(['--out', 'x'], {
      out: (l) => said.push(l),
      err: (l) => said.push(l),
      env: {},
      baseDir: appRoot(),
      tty: false,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(said.join('\n')).toContain('--user is required');
  });
});
