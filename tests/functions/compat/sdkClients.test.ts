import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRoot } from '../../../src/appRoot.js';
import { loadConfig } from '../../../src/config.js';
import type { ScoredEvent } from '../../../src/core/event.js';
import { type LocalHost, startLocalHost } from '../../../src/local/startLocalHost.js';
import { noTelemetry, type SendResult } from '../../../src/ports.js';
import { eventually, quietLogger } from '../../support/localHost.js';
import { createTestAccess, type TestAccess } from '../../support/testAccess.js';

const keys = {
  'w-key': { keyId: 'key-w', name: 'mobile-app', scope: 'write' as const },
  'r-key': { keyId: 'key-r', name: 'dashboard', scope: 'read' as const },
};

let host: LocalHost;
let access: TestAccess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'scoring-compat-'));
  const loaded = loadConfig({ PORT: '0', DATA_DIR: dataDir }, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  access = createTestAccess(keys);
  host = await startLocalHost(loaded.config, {
    logger: quietLogger,
    telemetry: noTelemetry,
    baseDir: appRoot(),
    access,
  });
});

afterAll(async () => {
  await host?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scoresOf(userId: string): Promise<ScoredEvent[]> {
  const res = await fetch(`${host.url}/api/users/${encodeURIComponent(userId)}/scores?limit=100`, {
    headers: { authorization: 'Bearer r-key' },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ScoredEvent[] }).items;
}

/** The user's stored events once the scorer has handled every queued message (at least `count`). */
async function storedExactly(userId: string, count: number): Promise<ScoredEvent[]> {
  await host.consumer!.drain();
  await eventually(async () => ((await scoresOf(userId)).length >= count ? true : undefined));
  const stored = await scoresOf(userId);
  expect(stored).toHaveLength(count);
  return stored;
}

/** The queue's send, failing its next `n` calls: `afterSending` hands the events over first (an answer lost). */
function failNextSends(n: number, afterSending: boolean): { calls: () => number } {
  const queue = host.deps.queue;
  const real = queue.send.bind(queue);
  let calls = 0;
  queue.send = async (events, context): Promise<SendResult> => {
    calls++;
    if (calls > n) return real(events, context);
    if (afterSending) await real(events, context);
    return { ok: false, reason: 'queue stopped for the test', retryAfterSeconds: 1 };
  };
  return { calls: () => calls };
}

function segment(writeKey: string) {
  const client = new Analytics({
    writeKey,
    host: host.url,
    path: '/v1/batch',
    flushAt: 20,
    flushInterval: 50,
    maxRetries: 3,
  });
  const statuses: number[] = [];
  client.on('http_response', (r) => statuses.push(r.status));
  return { client, statuses };
}

function posthog(apiKey: string) {
  const client = new PostHog(apiKey, {
    host: host.url,
    flushAt: 20,
    flushInterval: 50,
    fetchRetryCount: 3,
    fetchRetryDelay: 50,
  });
  const errors: unknown[] = [];
  client.on('error', (e) => errors.push(e));
  return { client, errors };
}

describe('@segment/analytics-node against the local host', () => {
  it('delivers tracks, identifies and pages with nested properties, stored and queryable with the mapped fields', async () => {
    const { client, statuses } = segment('w-key');
    client.track({
      userId: 'seg-1',
      event: 'Order Completed',
      properties: { revenue: 42.5, items: [{ sku: 'A-1', qty: 2 }], coupon: { code: 'X' } },
    });
    client.identify({ userId: 'seg-1', traits: { plan: 'pro', address: { city: 'Oslo' } } });
    client.page({ anonymousId: 'visitor-9', name: 'Pricing', properties: { path: '/pricing' } });
    await client.closeAndFlush({ timeout: 15_000 });
    expect(statuses).toEqual([200]);

    const user = await storedExactly('seg-1', 2);
    expect(user).toHaveLength(2);
    const order = user.find((e) => e.type === 'order_completed');
    expect(order).toMatchObject({
      amount: 42.5,
      source: 'mobile-app',
      properties: {
        'segment.event': 'Order Completed',
        'items.0.sku': 'A-1',
        'items.0.qty': 2,
        'coupon.code': 'X',
        'context.library.name': '@segment/analytics-node',
      },
    });
    expect(typeof order?.score).toBe('number');
    expect(user.find((e) => e.type === 'identify')?.properties).toMatchObject({
      'traits.plan': 'pro',
      'traits.address.city': 'Oslo',
    });
    const visitor = await storedExactly('anon:visitor-9', 1);
    expect(visitor).toMatchObject([
      { type: 'page', properties: { 'segment.name': 'Pricing', path: '/pricing' } },
    ]);
  });

  it('retries after a 503 whose events the queue took anyway, and the store counts each once', async () => {
    const failing = failNextSends(1, true);
    const { client, statuses } = segment('w-key');
    for (let i = 0; i < 3; i++)
      client.track({ userId: 'seg-retry', event: 'Added To Cart', properties: { i } });
    await client.closeAndFlush({ timeout: 20_000 });
    expect(statuses).toEqual([503, 200]);
    expect(failing.calls()).toBe(2);
    const stored = await storedExactly('seg-retry', 3);
    expect(stored.map((e) => e.properties?.i).sort()).toEqual([0, 1, 2]);
  });

  it('waits out a 429 for its Retry-After before sending again', async () => {
    access.refuseFor(900, 1);
    const { client, statuses } = segment('w-key');
    client.track({ userId: 'seg-limited', event: 'Viewed' });
    await client.closeAndFlush({ timeout: 20_000 });
    // Had it retried before the second was up, the bucket would have refused it again.
    expect(statuses).toEqual([429, 200]);
    expect(access.refusals).toBe(1);
    await storedExactly('seg-limited', 1);
  });

  it('is refused with 403 for a key without the write scope, and nothing is stored', async () => {
    const { client, statuses } = segment('r-key');
    client.track({ userId: 'seg-wrong', event: 'Viewed' });
    await client.closeAndFlush({ timeout: 10_000 });
    expect(statuses).toEqual([403]);
    expect(await scoresOf('seg-wrong')).toEqual([]);
  });
});

describe('every compatible path on the local host', () => {
  it('answers each route, with and without a trailing slash, with the key in the body', async () => {
    const segmentPaths = [
      'v1/batch',
      'v1/import',
      'v1/track',
      'v1/identify',
      'v1/page',
      'v1/screen',
      'v1/group',
      'v1/alias',
    ];
    const posthogPaths = ['batch', 'capture', 'e', 'i/v0/e'];
    const statuses: Record<string, [number, unknown]> = {};
    for (const [i, path] of [...segmentPaths, ...posthogPaths].entries()) {
      const message = path.startsWith('v1/')
        ? {
            type: 'track',
            event: 'Route Checked',
            userId: 'routes',
            messageId: `route-${i}`,
            writeKey: 'w-key',
          }
        : { event: 'route checked', distinct_id: 'routes', uuid: `route-${i}`, api_key: 'w-key' };
      const body =
        path === 'v1/batch' || path === 'v1/import'
          ? { writeKey: 'w-key', batch: [message] }
          : message;
      const url = `${host.url}/${path}${i % 2 === 0 ? '/' : ''}`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(body),
      });
      statuses[path] = [res.status, await res.json()];
    }
    for (const path of segmentPaths)
      expect(statuses[path], path).toMatchObject([200, { success: true, accepted: 1 }]);
    for (const path of posthogPaths)
      expect(statuses[path], path).toMatchObject([200, { status: 'Ok', accepted: 1 }]);
    await storedExactly('routes', segmentPaths.length + posthogPaths.length);
  });
});

describe('posthog-node against the local host', () => {
  it('delivers captures, $pageviews and identifies (gzipped), stored and queryable with the mapped fields', async () => {
    const { client, errors } = posthog('w-key');
    client.capture({
      distinctId: 'ph-1',
      event: 'Order Completed',
      properties: { total: 19.9, cart: { items: [{ sku: 'B' }] } },
    });
    client.capture({
      distinctId: 'ph-1',
      event: '$pageview',
      properties: { $current_url: 'https://shop.test/cart' },
    });
    client.identify({ distinctId: 'ph-1', properties: { email: 'ph@example.test' } });
    await client.shutdown(15_000);
    expect(errors.map(String)).toEqual([]);

    const stored = await storedExactly('ph-1', 3);
    expect(stored.map((e) => e.type).sort()).toEqual([
      'order_completed',
      'ph:identify',
      'ph:pageview',
    ]);
    expect(stored.find((e) => e.type === 'order_completed')).toMatchObject({
      amount: 19.9,
      source: 'mobile-app',
      properties: {
        'posthog.event': 'Order Completed',
        'cart.items.0.sku': 'B',
        $lib: 'posthog-node',
      },
    });
    expect(stored.find((e) => e.type === 'ph:identify')?.properties).toMatchObject({
      '$set.email': 'ph@example.test',
    });
  });

  it('retries after a 503 whose events the queue took anyway, and the store counts each once', async () => {
    const failing = failNextSends(1, true);
    const { client, errors } = posthog('w-key');
    for (let i = 0; i < 3; i++)
      client.capture({ distinctId: 'ph-retry', event: 'clicked', properties: { i } });
    await client.shutdown(15_000);
    expect(errors).toEqual([]);
    expect(failing.calls()).toBe(2);
    const stored = await storedExactly('ph-retry', 3);
    expect(stored.map((e) => e.properties?.i).sort()).toEqual([0, 1, 2]);
  });

  it('retries after a 429 and delivers once', async () => {
    const before = access.refusals;
    access.refuseFor(30, 1);
    const { client, errors } = posthog('w-key');
    client.capture({ distinctId: 'ph-limited', event: 'clicked' });
    await client.shutdown(15_000);
    expect(errors).toEqual([]);
    expect(access.refusals).toBeGreaterThan(before);
    await storedExactly('ph-limited', 1);
  });

  it('is refused with 403 for a key without the write scope, and nothing is stored', async () => {
    const { client, errors } = posthog('r-key');
    client.capture({ distinctId: 'ph-wrong', event: 'clicked' });
    await client.shutdown(10_000);
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).message)).toMatch(/status=403/);
    expect(await scoresOf('ph-wrong')).toEqual([]);
  });
});
