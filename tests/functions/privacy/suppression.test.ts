import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScoredEvent } from '../../../src/core/event.js';
import { eventually, startTestHost, type TestHost } from '../../support/localHost.js';
import { createTestAccess } from '../../support/testAccess.js';

const keys = {
  'w-key': { keyId: 'key-w', name: 'mobile-app', scope: 'write' as const },
  'r-key': { keyId: 'key-r', name: 'dashboard', scope: 'read' as const },
  'a-key': { keyId: 'key-a', name: 'ops', scope: 'admin' as const },
};
const CACHE_SECONDS = 1;

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost(
    { SUPPRESSION_CACHE_SECONDS: String(CACHE_SECONDS) },
    mkdtempSync(join(tmpdir(), 'scoring-privacy-')),
    {
      access: createTestAccess(keys),
    },
  );
});

afterAll(async () => {
  await host?.close();
  host?.removeData();
});

const call = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(`${host.url}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${init.key ?? 'a-key'}`,
    },
  });

const suppress = (userIds: unknown, key = 'a-key') =>
  call('/api/privacy/suppressions', { method: 'POST', body: JSON.stringify({ userIds }), key });

async function scoresOf(userId: string): Promise<ScoredEvent[]> {
  await host.consumer!.drain();
  const res = await call(`/api/users/${encodeURIComponent(userId)}/scores?limit=100`, {
    key: 'r-key',
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ScoredEvent[] }).items;
}

const event = (userId: string, type = 'view') => ({
  userId,
  type,
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
});

interface IngestAnswer {
  accepted: number;
  rejected: number;
  results: { index: number; status: string; errors?: { path: string; code: string }[] }[];
}

const ingest = async (events: unknown[]) => {
  const res = await call('/api/events', {
    method: 'POST',
    body: JSON.stringify({ events }),
    key: 'w-key',
  });
  return { status: res.status, body: (await res.json()) as IngestAnswer };
};

describe('the suppression routes', () => {
  it('need the admin scope and a valid body, naming the field', async () => {
    expect((await suppress(['x'], 'w-key')).status).toBe(403);
    expect((await call('/api/privacy/suppressions', { key: 'r-key' })).status).toBe(403);
    const empty = await suppress([]);
    expect(empty.status).toBe(400);
    expect(
      ((await empty.json()) as { error: { errors: { path: string }[] } }).error.errors[0]?.path,
    ).toBe('userIds');
    const control = await suppress(['ok', 'bad\u0001id']);
    expect(control.status).toBe(400);
    const body = (await control.json()) as { error: { errors: { path: string; code: string }[] } };
    expect(body.error.errors[0]).toMatchObject({ path: 'userIds.1', code: 'invalid_user_id' });
    expect((await suppress(Array.from({ length: 1001 }, (_, i) => `u${i}`))).status).toBe(400);
    const notJson = await call('/api/privacy/suppressions', { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect((await call('/api/privacy/suppressions/nobody', { method: 'DELETE' })).status).toBe(404);
  });

  it('lists what was suppressed, with the key id and the time, and lifts one', async () => {
    expect((await suppress(['list-a', 'list-b', 'list-a'])).status).toBe(200);
    const listed = (await (await call('/api/privacy/suppressions')).json()) as {
      items: { userId: string; keyId: string; suppressedAt: string }[];
    };
    const mine = listed.items.filter((r) => r.userId.startsWith('list-'));
    expect(mine.map((r) => r.userId)).toEqual(['list-a', 'list-b']);
    expect(mine[0]).toMatchObject({ keyId: 'key-a' });
    expect(Number.isNaN(Date.parse(mine[0]!.suppressedAt))).toBe(false);
    expect((await call('/api/privacy/suppressions/list-a', { method: 'DELETE' })).status).toBe(204);
    const after = (await (await call('/api/privacy/suppressions')).json()) as {
      items: { userId: string }[];
    };
    expect(after.items.map((r) => r.userId)).not.toContain('list-a');
    expect(after.items.map((r) => r.userId)).toContain('list-b');
  });
});

describe('POST /api/events with a suppressed user', () => {
  it('rejects their events one by one with code suppressed and stores the others', async () => {
    expect((await suppress(['ev-gone'])).status).toBe(200);
    const { status, body } = await ingest([
      event('ev-kept'),
      event('ev-gone'),
      event('ev-kept', 'click'),
    ]);
    expect(status).toBe(202);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(1);
    expect(body.results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(body.results[1]?.errors?.[0]).toMatchObject({ path: 'userId', code: 'suppressed' });
    expect(await scoresOf('ev-kept')).toHaveLength(2);
    expect(await scoresOf('ev-gone')).toEqual([]);
  });

  it('accepts their events again once lifted', async () => {
    expect((await suppress(['ev-lifted'])).status).toBe(200);
    expect((await ingest([event('ev-lifted')])).body.results[0]?.errors?.[0]?.code).toBe(
      'suppressed',
    );
    expect((await call('/api/privacy/suppressions/ev-lifted', { method: 'DELETE' })).status).toBe(
      204,
    );
    const again = await ingest([event('ev-lifted')]);
    expect(again.status).toBe(202);
    expect(again.body.results[0]?.status).toBe('accepted');
    expect(await scoresOf('ev-lifted')).toHaveLength(1);
  });

  it('sees a suppression made elsewhere (another instance) within the cache period, not before', async () => {
    const loaded = Date.now();
    expect((await ingest([event('ev-elsewhere')])).body.accepted).toBe(1);
    // Written to the store directly, as another instance would: this one's cached set is stale.
    await host.deps.privacy.store.add([
      { userId: 'ev-elsewhere', suppressedAt: new Date().toISOString(), keyId: 'key-other' },
    ]);
    const started = Date.now();
    const stale = await ingest([event('ev-elsewhere')]);
    // Still inside the period the set was loaded in: the cached set answers (no store read).
    if (Date.now() - loaded < CACHE_SECONDS * 1000) expect(stale.body.accepted).toBe(1);
    const refused = await eventually(async () => {
      const { body } = await ingest([event('ev-elsewhere')]);
      return body.results[0]?.errors?.[0]?.code === 'suppressed' ? Date.now() : undefined;
    }, 10_000);
    expect(refused - started).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + 500);
  });
});

describe('the SDK routes with a suppressed user', () => {
  it('@segment/analytics-node: the batch is taken, the suppressed user is listed as rejected, the rest stored', async () => {
    expect((await suppress(['seg-gone'])).status).toBe(200);
    const client = new Analytics({
      writeKey: 'w-key',
      host: host.url,
      path: '/v1/batch',
      flushAt: 20,
      flushInterval: 50,
      maxRetries: 3,
    });
    const statuses: number[] = [];
    client.on('http_response', (r) => statuses.push(r.status));
    client.track({ userId: 'seg-kept', event: 'Viewed' });
    client.track({ userId: 'seg-gone', event: 'Viewed' });
    client.identify({ userId: 'seg-gone', traits: { plan: 'pro' } });
    await client.closeAndFlush({ timeout: 15_000 });
    expect(statuses).toEqual([200]);
    expect(await scoresOf('seg-kept')).toHaveLength(1);
    expect(await scoresOf('seg-gone')).toEqual([]);

    // The answer the SDK read, as a raw call shows it: per message, code suppressed.
    const res = await fetch(`${host.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        writeKey: 'w-key',
        batch: [
          { type: 'track', event: 'A', userId: 'seg-kept', messageId: 'seg-m1' },
          { type: 'track', event: 'A', userId: 'seg-gone', messageId: 'seg-m2' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      accepted: number;
      rejected: { index: number; messageId: string; errors: { code: string }[] }[];
    };
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([
      { index: 1, messageId: 'seg-m2', errors: [expect.objectContaining({ code: 'suppressed' })] },
    ]);
  });

  it('posthog-node: the suppressed distinct_id is refused, the others stored', async () => {
    expect((await suppress(['ph-gone'])).status).toBe(200);
    const client = new PostHog('w-key', {
      host: host.url,
      flushAt: 20,
      flushInterval: 50,
      fetchRetryCount: 3,
      fetchRetryDelay: 50,
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    client.capture({ distinctId: 'ph-kept', event: 'viewed' });
    client.capture({ distinctId: 'ph-gone', event: 'viewed' });
    await client.shutdown(15_000);
    expect(errors).toEqual([]);
    expect(await scoresOf('ph-kept')).toHaveLength(1);
    expect(await scoresOf('ph-gone')).toEqual([]);

    const res = await fetch(`${host.url}/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        api_key: 'w-key',
        batch: [
          { event: 'x', distinct_id: 'ph-gone', uuid: '0d7c8e3a-6a6f-4b53-9f0b-1f2b3c4d5e6f' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      accepted: number;
      rejected: { errors: { code: string }[] }[];
    };
    expect(answer.accepted).toBe(0);
    expect(answer.rejected[0]?.errors[0]?.code).toBe('suppressed');
  });

  it('sets no suppressed message aside as a dead letter', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(join(host.dataDir, 'store.db'), { readOnly: true });
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => r.name as string);
    const deadTables = tables.filter((t) => t.includes('dead'));
    expect(deadTables.length).toBeGreaterThan(0);
    for (const table of deadTables) {
      const rows = JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all());
      expect(rows, table).not.toContain('seg-gone');
      expect(rows, table).not.toContain('ph-gone');
    }
    db.close();
  });
});
