import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, startTestHost } from '../support/localHost.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;

interface ScoresPage {
  userId: string;
  items: {
    eventId: string;
    occurredAt: string;
    score: number;
    model: { version: string };
    day: string;
  }[];
  continuationToken: string | null;
}

const today = new Date().toISOString().slice(0, 10);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('local host end to end', () => {
  let host: Host;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
  const get = async <T>(path: string) => {
    const res = await fetch(`${host.url}/api${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const allScores = async (userId: string, limit: number) => {
    const pages: ScoresPage[] = [];
    let token: string | null = null;
    do {
      const query: string = `limit=${limit}${token ? `&continuationToken=${token}` : ''}`;
      const page = await get<ScoresPage>(`/users/${userId}/scores?${query}`);
      expect(page.status).toBe(200);
      pages.push(page.body);
      token = page.body.continuationToken;
    } while (token);
    return pages;
  };
  const dauToday = async () =>
    (
      await get<{ series: { day: string; activeUsers: number }[] }>(
        `/stats/dau?from=${today}&to=${today}`,
      )
    ).body.series[0]?.activeUsers;

  const heavy = Array.from({ length: 45 }, (_, i) => ({
    eventId: randomUUID(),
    userId: 'heavy-user',
    type: i % 5 === 0 ? 'purchase' : 'page_view',
    occurredAt: minutesAgo(i + 1),
    amount: i % 5 === 0 ? 10 + i : undefined,
    properties: { device: i % 2 ? 'mobile' : 'desktop' },
  }));
  const others = Array.from({ length: 5 }, (_, i) => ({
    eventId: randomUUID(),
    userId: `light-${i}`,
    type: 'login',
  }));

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  it('answers health with every check ok', async () => {
    const health = await get<{ status: string; checks: Record<string, { status: string }> }>(
      '/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({
      queue: { status: 'ok' },
      store: { status: 'ok' },
      model: { status: 'ok' },
    });
  });

  it('accepts a mixed batch, scores every accepted event, pages, counts DAU, and ignores a re-post', async () => {
    const invalid = { userId: 'bad user', type: 'x' };
    const batch = {
      sentAt: new Date().toISOString(),
      events: [...heavy.slice(0, 20), invalid, heavy[0], ...heavy.slice(20), ...others],
    };
    const res = await post(batch);
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: number;
      rejected: number;
      duplicates: number;
      results: { index: number; status: string; errors?: { path: string }[] }[];
    };
    expect(body).toMatchObject({ accepted: 50, rejected: 1, duplicates: 1 });
    expect(body.results[20]).toMatchObject({
      index: 20,
      status: 'rejected',
      errors: [{ path: 'userId' }],
    });
    expect(body.results[21]).toMatchObject({ index: 21, status: 'duplicate' });

    const pages = await eventually(async () => {
      const p = await allScores('heavy-user', 20);
      return p.flatMap((x) => x.items).length === 45 ? p : undefined;
    });
    expect(pages.map((p) => p.items.length)).toEqual([20, 20, 5]);
    const items = pages.flatMap((p) => p.items);
    expect(new Set(items.map((i) => i.eventId))).toEqual(new Set(heavy.map((e) => e.eventId)));
    const times = items.map((i) => i.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    for (const item of items) {
      expect(item.score).toBeGreaterThan(0);
      expect(item.score).toBeLessThan(1);
      expect(item.model.version).toEqual(expect.any(String));
    }
    expect(await eventually(async () => ((await dauToday()) === 6 ? 6 : undefined))).toBe(6);

    const again = await post(batch);
    expect(again.status).toBe(202);
    await host.consumer!.drain();
    await host.consumer!.drain();
    expect((await allScores('heavy-user', 100))[0]!.items).toHaveLength(45);
    expect(await dauToday()).toBe(6);
  });

  it('returns an empty page for a user with no events, and DAU with zeros for every day', async () => {
    expect((await get<ScoresPage>('/users/nobody/scores')).body).toEqual({
      userId: 'nobody',
      items: [],
      continuationToken: null,
    });
    const dau = await get<{
      from: string;
      to: string;
      series: { day: string; activeUsers: number }[];
    }>('/stats/dau?from=2020-02-27&to=2020-03-01');
    expect(dau.body).toEqual({
      from: '2020-02-27',
      to: '2020-03-01',
      series: ['2020-02-27', '2020-02-28', '2020-02-29', '2020-03-01'].map((day) => ({
        day,
        activeUsers: 0,
      })),
    });
    expect((await get<{ series: unknown[] }>('/stats/dau')).body.series).toHaveLength(30);
  });

  it('accepts gzip', async () => {
    const res = await post(gzipSync(JSON.stringify({ userId: 'gz', type: 'click' })), {
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(202);
  });

  it.each([
    ['malformed JSON', () => post('{"userId": "u",'), 400, /position/],
    ['no valid event', () => post({ events: [{ userId: '' }, { type: 'T' }] }), 400, undefined],
    [
      'wrong content type',
      () => post('userId=u', { 'content-type': 'text/plain' }),
      415,
      /Content-Type/,
    ],
    [
      'body over 1 MiB',
      () =>
        post(JSON.stringify({ userId: 'u', type: 't', properties: { a: 'x'.repeat(1_100_000) } })),
      413,
      /1048576/,
    ],
    [
      'gzip inflating past 1 MiB',
      () =>
        post(
          gzipSync(
            JSON.stringify({ userId: 'u', type: 't', properties: { a: 'x'.repeat(1_100_000) } }),
          ),
          { 'content-encoding': 'gzip' },
        ),
      413,
      /after gzip/,
    ],
  ])('answers %s with the right 4xx', async (_name, send, status, message) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error?: { message: string }; results?: unknown[] };
    if (message) expect(body.error?.message).toMatch(message);
    else expect(body.results).toHaveLength(2);
  });

  it.each([
    ['/users/u1/scores?limit=0', 'limit'],
    ['/users/u1/scores?from=2026-99-01', 'from'],
    ['/users/u1/scores?from=2026-11-02&to=2026-11-01', 'from'],
    ['/users/u1/scores?continuationToken=abc', 'continuationToken'],
    ['/stats/dau?from=2026-11-02&to=2026-11-01', 'from'],
    ['/stats/dau?from=2024-01-01&to=2026-01-01', 'to'],
    ['/stats/dau?to=tomorrow', 'to'],
  ])('answers 400 for GET %s naming %s', async (path, parameter) => {
    const res = await get<{ error: { code: string; message: string; errors: { path: string }[] } }>(
      path,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.errors[0]?.path).toBe(parameter);
    expect(res.body.error.message).toContain(parameter);
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    expect((await fetch(`${host.url}/api/nothing`)).status).toBe(404);
    const res = await fetch(`${host.url}/api/events`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('local host restart', () => {
  it('keeps accepted events and scores across a restart', async () => {
    const first = await startTestHost({ SCORER_BATCH_SIZE: '100' });
    const eventId = randomUUID();
    // Stop the scorer first so the event is still queued when the host stops.
    await first.consumer!.stop();
    expect(
      (
        await fetch(`${first.url}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ eventId, userId: 'restart', type: 't' }),
        })
      ).status,
    ).toBe(202);
    await first.close();
    const second = await startTestHost({}, first.dataDir);
    try {
      const items = await eventually(async () => {
        const res = await fetch(`${second.url}/api/users/restart/scores`);
        const page = (await res.json()) as ScoresPage;
        return page.items.length > 0 ? page.items : undefined;
      });
      expect(items.map((i) => i.eventId)).toEqual([eventId]);
    } finally {
      await second.close();
      second.removeData();
    }
  });
});

describe('local host without a valid model', () => {
  it('reports it in health, still accepts events, and leaves them queued', async () => {
    const host = await startTestHost({ MODEL_PATH: 'models/does-not-exist.json' });
    try {
      const health = await fetch(`${host.url}/api/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        down: ['model'],
        checks: {
          model: { status: 'down', detail: expect.stringContaining('does-not-exist.json') },
        },
      });
      const res = await fetch(`${host.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'waiting', type: 't' }),
      });
      expect(res.status).toBe(202);
      await host.consumer!.drain();
      expect(host.deps.localQueue!.stats()).toMatchObject({ pending: 1, poisoned: 0 });
      const page = (await (
        await fetch(`${host.url}/api/users/waiting/scores`)
      ).json()) as ScoresPage;
      expect(page.items).toEqual([]);
    } finally {
      await host.close();
      host.removeData();
    }
  });
});
