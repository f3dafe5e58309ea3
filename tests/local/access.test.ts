import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSqliteKeyStore } from '../../src/adapters/sqlite/sqliteKeyStore.js';
import { createKey } from '../../src/core/access/manageKeys.js';
import type { ApiKeyStore } from '../../src/ports/index.js';
import { eventually, startTestHost } from '../support/localHost.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;

interface Problem {
  error: { code: string; message: string };
}

// The local host as npm start runs it, with keys created the way `npm run keys` does: another connection to store.db.
describe('API keys and rate limits through the local host', () => {
  let host: Host;
  let keys: ApiKeyStore;
  let writeKey: string;
  let readKey: string;
  const events = (n: number, userId = 'keys-user') =>
    Array.from({ length: n }, () => ({ eventId: randomUUID(), userId, type: 'page_view' }));
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const health = async () =>
    ((await (await fetch(`${host.url}/api/health`)).json()) as { access: { mode: string } }).access
      .mode;

  beforeAll(async () => {
    host = await startTestHost({ API_KEY_CACHE_SECONDS: '0', RATE_LIMIT_READ_BURST: '5' });
    keys = createSqliteKeyStore(join(host.dataDir, 'store.db'));
  });
  afterAll(async () => {
    await keys.close();
    await host.close();
    host.removeData();
  });

  it('runs open while no key exists, and says so in health', async () => {
    expect(await health()).toBe('open');
    expect((await post({ events: events(2) })).status).toBe(202);
  });

  it('requires keys once one exists', async () => {
    const admin = { store: keys, now: Date.now, randomBytes };
    const w = await createKey(admin, {
      scope: 'write',
      name: 'ios-app',
      ratePerSecond: 1,
      burst: 1000,
    });
    const r = await createKey(admin, { scope: 'read', name: 'analyst' });
    if (!w.ok || !r.ok) throw new Error('keys not created');
    writeKey = w.value.key;
    readKey = r.value.key;
    await eventually(async () => ((await health()) === 'keys' ? true : undefined), 5000);
    const res = await post({ events: events(1) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="api"/);
    const body = (await res.json()) as Problem;
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toContain('scope write');
  });

  it('answers 403 naming the scope needed for a key of another scope', async () => {
    const res = await post({ events: events(1) }, { authorization: `Bearer ${readKey}` });
    expect(res.status).toBe(403);
    expect(((await res.json()) as Problem).error).toEqual({
      code: 'forbidden',
      message: 'this key has scope read; this route needs scope write',
    });
    const scores = await fetch(`${host.url}/api/users/x/scores`, {
      headers: { 'x-api-key': writeKey },
    });
    expect(scores.status).toBe(403);
  });

  it('takes the key as Bearer, x-api-key or Basic, and records its name as source', async () => {
    const basic = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const sent = events(3, 'source-user');
    const forms: Record<string, string>[] = [
      { authorization: `Bearer ${writeKey}` },
      { 'x-api-key': writeKey },
      { authorization: basic },
    ];
    for (const [i, headers] of forms.entries()) {
      const res = await post({ events: [sent[i]] }, headers);
      expect(res.status).toBe(202);
      expect(res.headers.get('ratelimit-policy')).toBe('"write";q=1000;w=1000');
      expect(res.headers.get('ratelimit')).toMatch(/^"write";r=\d+;t=\d+$/);
    }
    const items = await eventually(async () => {
      const res = await fetch(`${host.url}/api/users/source-user/scores`, {
        headers: { authorization: `Bearer ${readKey}` },
      });
      const page = (await res.json()) as { items: { eventId: string; source?: string }[] };
      return page.items.length === 3 ? page.items : undefined;
    });
    expect(items.map((i) => i.source)).toEqual(['ios-app', 'ios-app', 'ios-app']);
  });

  it('refuses a batch the bucket cannot hold as a whole with 429 and an integer Retry-After', async () => {
    const first = await post({ events: events(900) }, { 'x-api-key': writeKey });
    expect(first.status).toBe(202);
    const refused = events(500, 'refused-user');
    const res = await post({ events: refused }, { 'x-api-key': writeKey });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(res.headers.get('ratelimit')).toMatch(/^"write";r=\d+;t=\d+$/);
    expect(((await res.json()) as Problem).error.code).toBe('rate_limited');
    // Nothing of the refused batch was taken: a smaller one still fits.
    expect((await post({ events: events(50) }, { 'x-api-key': writeKey })).status).toBe(202);
    const page = (await (
      await fetch(`${host.url}/api/users/refused-user/scores`, {
        headers: { 'x-api-key': readKey },
      })
    ).json()) as { items: unknown[] };
    expect(page.items).toEqual([]);
  });

  it('counts queries as one request each', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${host.url}/api/users/nobody/scores`, {
        headers: { 'x-api-key': readKey },
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses[0]).toBe(200);
  });
});
