import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CHROMIUM_PATH,
  chromiumFound,
  launchChromium,
} from '../../../scripts/pages/launchChromium.js';
import { derivedEventId } from '../../../src/core/compat/compatEventId.js';
import { failNextSends } from '../../support/failingQueue.js';
import { eventually, quietLogger, startTestHost, type TestHost } from '../../support/localHost.js';
import { startSecondOrigin } from '../../support/secondOrigin.js';
import { createTestAccess } from '../../support/testAccess.js';

/*
 * The browser libraries as their users run them: posthog-js and @segment/analytics-next, their
 * bundles read from node_modules, on a page of another origin, in headless Chromium, with default
 * options and nothing but the key and this host configured. Every request body they send is
 * captured (Playwright) and decoded here, so "every call is stored" is checked id by id against
 * what the API returns, whatever the mapping does with the fields.
 */

const found = chromiumFound();
if (!found) {
  if (process.env.CI)
    throw new Error(`no Chromium at ${CHROMIUM_PATH}, and CI must run the browser tests`);
  console.warn(`browser library tests skipped: no Chromium at ${CHROMIUM_PATH}`);
}

const WRITE_KEY = 'wk_browser_test';
const READ_KEY = 'rk_browser_test';
const KEY_ID = 'k-web';
/** What posthog-js expects of a real browser: it drops everything from a headless user agent. */
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const require = createRequire(import.meta.url);
const posthogBundle = require.resolve('posthog-js/dist/array.js');
const segmentBundle = join(
  require.resolve('@segment/analytics-next/package.json'),
  '../dist/umd/index.js',
);

const pages = (api: string): Record<string, string> => {
  const body = `<body><h1>Shop</h1><button id="buy" class="cta">Buy now</button><a id="pricing" href="#pricing">Pricing</a></body>`;
  return {
    '/posthog.html': `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script src="/lib/posthog.js"></script>
<script>posthog.init(${JSON.stringify(WRITE_KEY)}, { api_host: ${JSON.stringify(api)} })</script>
</head>${body}</html>`,
    '/segment.html': `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script src="/lib/segment.js"></script>
<script>window.analytics = AnalyticsNext.AnalyticsBrowser.load({ writeKey: ${JSON.stringify(WRITE_KEY)}, cdnURL: ${JSON.stringify(api)} })</script>
</head>${body}</html>`,
    '/segment-batching.html': `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script src="/lib/segment.js"></script>
<script>window.analytics = AnalyticsNext.AnalyticsBrowser.load(
  { writeKey: ${JSON.stringify(WRITE_KEY)}, cdnURL: ${JSON.stringify(api)} },
  { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'batching', config: { size: 4, timeout: 300 } } } } })</script>
</head>${body}</html>`,
  };
};

/** One message as a library sent it: the id the API stores it under, and the user it counts for. */
interface Sent {
  eventId: string;
  userId: string;
  name: string;
  raw: Record<string, unknown>;
}

/** Every request a page sends to the API, with its answer's status, and the messages in its body. */
interface Traffic {
  requests: { method: string; path: string; status?: number; messages: Sent[] }[];
  console: string[];
}

/** The JSON a posthog-js or analytics.js request carries: gzip, base64 form, or plain. */
function decodeBody(request: Request): unknown {
  const raw = request.postDataBuffer();
  if (!raw || raw.length === 0) return undefined;
  let bytes = raw;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  let text = bytes.toString('utf8');
  if (text.startsWith('data=')) {
    const data = new URLSearchParams(text).get('data') ?? '';
    text = /^[[{]/.test(data) ? data : Buffer.from(data, 'base64').toString('utf8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The messages of a capture or tracking body, with the eventId each is stored under. */
function messagesOf(path: string, body: unknown): Sent[] {
  if (!isObject(body) && !Array.isArray(body)) return [];
  if (path.startsWith('/v1/')) {
    if (path.startsWith('/v1/projects')) return [];
    const list =
      path === '/v1/b' || path === '/v1/batch' ? (body as { batch?: unknown[] }).batch : [body];
    return (list ?? []).filter(isObject).map((m) => ({
      eventId: derivedEventId(KEY_ID, String(m.messageId)),
      userId: typeof m.userId === 'string' ? m.userId : `anon:${String(m.anonymousId)}`,
      name: String(m.event ?? m.type),
      raw: m,
    }));
  }
  if (!['/e/', '/e', '/batch/', '/i/v0/e/', '/capture/'].includes(path)) return [];
  const list = Array.isArray(body) ? body : Array.isArray(body.batch) ? body.batch : [body];
  return list.filter(isObject).map((m) => ({
    eventId: String(m.uuid).toLowerCase(),
    userId: String(m.distinct_id ?? (m.properties as Record<string, unknown>).distinct_id),
    name: String(m.event),
    raw: m,
  }));
}

/** Records a page's traffic to `api`, its console and its errors (nothing may appear there). */
function watch(page: Page, api: string): Traffic {
  // Requests through the context: a beacon sent while the page unloads is reported there.
  const context = page.context();
  const traffic: Traffic = { requests: [], console: [] };
  const entries = new Map<Request, Traffic['requests'][number]>();
  page.on('console', (m) => traffic.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => traffic.console.push(`pageerror: ${e.message}`));
  context.on('requestfailed', (r) => {
    traffic.console.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
    const entry = entries.get(r);
    if (entry) entry.status = -1;
  });
  context.on('request', (r) => {
    if (!r.url().startsWith(api)) return;
    const path = new URL(r.url()).pathname;
    const entry = { method: r.method(), path, messages: messagesOf(path, decodeBody(r)) };
    entries.set(r, entry);
    traffic.requests.push(entry);
  });
  if (process.env.DEBUG_BROWSER) {
    context.on('response', (r) => {
      if (!r.url().startsWith(api)) return;
      void r.text().then(
        (t) => console.log(`${r.request().method()} ${r.url()} ${r.status()} ${t.slice(0, 400)}`),
        () => undefined,
      );
    });
    page.on('console', (m) => console.log(`console ${m.type()}: ${m.text()}`));
    context.on('request', (r) =>
      console.log(
        `request ${r.method()} ${r.url()} ${r.resourceType()} ${r.postDataBuffer()?.length}`,
      ),
    );
  }
  context.on('requestfinished', (r) => {
    void r.response().then((res) => {
      const entry = entries.get(r);
      if (entry && res) entry.status = res.status();
    });
  });
  return traffic;
}

const sentOf = (t: Traffic) => t.requests.flatMap((r) => (r.method === 'POST' ? r.messages : []));

describe.skipIf(!found)('browser libraries, unchanged, from another origin', () => {
  let host: TestHost;
  let site: Awaited<ReturnType<typeof startSecondOrigin>>;
  let browser: Browser;

  beforeAll(async () => {
    host = await startTestHost({}, mkdtempSync(join(tmpdir(), 'scoring-browser-libs-')), {
      access: createTestAccess({
        [WRITE_KEY]: { keyId: KEY_ID, name: 'website', scope: 'write' },
        [READ_KEY]: { keyId: 'k-read', name: 'reader', scope: 'read' },
      }),
    });
    site = await startSecondOrigin(pages(host.url), {
      '/lib/posthog.js': posthogBundle,
      '/lib/segment.js': segmentBundle,
    });
    browser = await launchChromium(['--disable-blink-features=AutomationControlled']);
    if (process.env.DEBUG_BROWSER) {
      const real = host.deps.queue;
      host.deps.queue = Object.assign(Object.create(real) as typeof real, {
        send: (events: Parameters<typeof real.send>[0], ctx: Parameters<typeof real.send>[1]) => {
          console.log(`queued ${events.map((e) => `${e.type}/${e.userId}`).join(', ')}`);
          return real.send(events, ctx);
        },
      });
      const log = quietLogger.warn.bind(quietLogger);
      quietLogger.warn = (m: string) => {
        console.log(`warn ${m.slice(0, 300)}`);
        log(m);
      };
    }
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await host?.close();
    host?.removeData();
  });

  const newContext = (): Promise<BrowserContext> => browser.newContext({ userAgent: DESKTOP_UA });

  /** The eventIds the API lists for a user (the person's, once ids are linked). */
  const storedIds = async (userId: string): Promise<string[]> =>
    (await storedItems(userId)).map((i) => i.eventId);

  async function storedItems(userId: string): Promise<{ eventId: string; type: string }[]> {
    const ids: { eventId: string; type: string }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?continuationToken=${encodeURIComponent(cursor)}` : '';
      const res = await fetch(
        `${host.url}/api/users/${encodeURIComponent(userId)}/scores${query}`,
        { headers: { authorization: `Bearer ${READ_KEY}` } },
      );
      if (res.status === 404) return ids;
      expect(res.status, `scores of ${userId}`).toBe(200);
      const body = (await res.json()) as {
        items: { eventId: string; type: string }[];
        continuationToken: string | null;
      };
      ids.push(...body.items);
      cursor = body.continuationToken;
    } while (cursor);
    return ids;
  }

  /** Waits until every message sent is stored, then checks none is stored twice. */
  async function expectAllStored(sent: Sent[]): Promise<void> {
    const wanted = new Set(sent.map((s) => s.eventId));
    const users = [...new Set(sent.map((s) => s.userId))];
    const stored = await eventually(async () => {
      const lists = await Promise.all(users.map((u) => storedIds(u)));
      const all = new Set(lists.flat());
      return [...wanted].every((id) => all.has(id)) ? lists : undefined;
    }, 30_000).catch(async () => {
      const lists = await Promise.all(users.map((u) => storedIds(u)));
      const all = new Set(lists.flat());
      const missing = sent.filter((s) => !all.has(s.eventId)).map((s) => s.name);
      throw new Error(`not stored: ${missing.join(', ')}`);
    });
    for (const list of stored)
      expect(new Set(list).size, 'an event stored twice').toBe(list.length);
  }

  /**
   * The identified user and the anonymous id are one person: the summary lists the anonymous id,
   * counts every event of both once, and the anonymous id's scores are the person's.
   */
  async function expectOnePerson(userId: string, anonId: string, sent: Sent[]): Promise<void> {
    await expectAllStored(sent);
    const summary = await eventually(async () => {
      const res = await fetch(`${host.url}/api/users/${encodeURIComponent(userId)}`, {
        headers: { authorization: `Bearer ${READ_KEY}` },
      });
      if (res.status !== 200) return undefined;
      const body = (await res.json()) as { userId: string; events: number; linkedIds?: string[] };
      return body.linkedIds?.includes(anonId) ? body : undefined;
    }, 20_000);
    expect(summary.userId).toBe(userId);
    const person = await storedIds(userId);
    expect(new Set(person).size).toBe(person.length);
    for (const s of sent) expect(person, s.name).toContain(s.eventId);
    // A $pageleave sent by beacon as the page closed is the person's too: counted, not seen here.
    expect(summary.events).toBe(person.length);
    expect((await storedIds(anonId)).sort()).toEqual([...person].sort());
  }

  async function drain(page: Page, traffic: Traffic, predicate: () => boolean): Promise<void> {
    await eventually(
      async () =>
        predicate() && traffic.requests.every((r) => r.status !== undefined) ? true : undefined,
      30_000,
    );
    await page.waitForTimeout(200);
  }

  it('posthog-js: load-time requests, pageview, autocapture, capture, identify, group, pageleave by sendBeacon; all stored, console empty', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const traffic = watch(page, host.url);
    await page.goto(`${site.url}/posthog.html?utm_source=newsletter&utm_campaign=winter`);
    await page.waitForFunction(
      () => (globalThis as unknown as { posthog?: { __loaded?: boolean } }).posthog?.__loaded,
    );
    await page.click('#buy');
    await page.evaluate(() => {
      const ph = (globalThis as unknown as { posthog: Record<string, (...a: unknown[]) => void> })
        .posthog;
      ph.capture!('Order Completed', { revenue: 42.5, cart: { items: [{ sku: 'A-1', qty: 2 }] } });
      ph.identify!('ann+test@example.com', { email: 'ann+test@example.com' }, { signup: 'web' });
      ph.group!('company', 'acme', { name: 'Acme' });
      ph.capture!('Checkout Started', { step: 1 });
    });
    await drain(page, traffic, () => {
      const names = sentOf(traffic).map((s) => s.name);
      return [
        '$pageview',
        '$autocapture',
        'Order Completed',
        '$identify',
        '$groupidentify',
        'Checkout Started',
      ].every((n) => names.includes(n));
    });
    const anonId = sentOf(traffic).find((s) => s.name === '$pageview')!.userId;
    // $pageleave leaves by sendBeacon as the page unloads (Playwright no longer reports it): read back.
    await page.close({ runBeforeUnload: true });
    await context.close();

    const paths = traffic.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    // What posthog-js asks at load is answered: its remote config script, and no flags call is needed.
    expect(paths).toContain(`GET /array/${WRITE_KEY}/config.js 200`);
    expect(traffic.requests.filter((r) => r.status !== undefined && r.status >= 300)).toEqual([]);
    expect(traffic.console).toEqual([]);
    const sent = sentOf(traffic);
    const autocapture = sent.find((s) => s.name === '$autocapture')!;
    expect(JSON.stringify(autocapture.raw)).toContain('Buy now');
    expect(sent.find((s) => s.name === '$identify')!.raw).toMatchObject({
      properties: { $anon_distinct_id: anonId },
    });
    await expectAllStored(sent);
    await eventually(async () => {
      const types = (await storedItems('ann+test@example.com')).map((i) => i.type);
      return types.some((t) => /pageleave/.test(t)) ? true : undefined;
    }, 20_000);
  }, 90_000);

  it('posthog-js: an anonymous session followed by a login counts as one user', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const traffic = watch(page, host.url);
    await page.goto(`${site.url}/posthog.html`);
    await page.waitForFunction(
      () => (globalThis as unknown as { posthog?: { __loaded?: boolean } }).posthog?.__loaded,
    );
    await page.evaluate(() => {
      const ph = (globalThis as unknown as { posthog: Record<string, (...a: unknown[]) => void> })
        .posthog;
      ph.capture!('Viewed Pricing');
      ph.identify!('google-oauth2|103476', { plan: 'pro' });
      ph.capture!('Upgraded');
    });
    await drain(page, traffic, () => sentOf(traffic).some((s) => s.name === 'Upgraded'));
    await context.close();
    const sent = sentOf(traffic);
    const anonId = sent.find((s) => s.name === 'Viewed Pricing')!.userId;
    expect(anonId).not.toBe('google-oauth2|103476');
    await expectAllStored(sent);
    await expectOnePerson('google-oauth2|103476', anonId, sent);
  }, 90_000);

  it('analytics.js: settings from this host, page, track, identify, group, alias over /v1/p,t,i,g,a; all stored, console empty', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const traffic = watch(page, host.url);
    await page.goto(`${site.url}/segment.html`);
    await page.evaluate(async () => {
      const a = (
        globalThis as unknown as {
          analytics: Record<string, (...x: unknown[]) => Promise<unknown>>;
        }
      ).analytics;
      await a.page!();
      await a.track!('Order Completed', { revenue: 42.5, products: [{ sku: 'A-1' }] });
      await a.identify!('user-segment-1', { email: 'bob@example.com', plan: 'pro' });
      await a.group!('acme', { name: 'Acme' });
      await a.track!('Checkout Started', { step: 1 });
      await a.alias!('user-segment-1b');
    });
    await drain(page, traffic, () => sentOf(traffic).length >= 6);
    await context.close();
    const paths = traffic.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(paths).toContain(`GET /v1/projects/${WRITE_KEY}/settings 200`);
    for (const p of ['/v1/p', '/v1/t', '/v1/i', '/v1/g', '/v1/a'])
      expect(paths).toContain(`POST ${p} 200`);
    expect(traffic.requests.filter((r) => r.status !== undefined && r.status >= 300)).toEqual([]);
    expect(traffic.console).toEqual([]);
    await expectAllStored(sentOf(traffic));
  }, 90_000);

  it('navigator.sendBeacon and a keepalive fetch (text/plain, no custom header, writeKey in the body) are stored', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const traffic = watch(page, host.url);
    await page.goto(`${site.url}/segment.html`);
    const ids = { beacon: randomUUID(), keepalive: randomUUID() };
    const queued = await page.evaluate(
      async ({ api, writeKey, ids }) => {
        const nav = (
          globalThis as unknown as { navigator: { sendBeacon(u: string, b: string): boolean } }
        ).navigator;
        const message = (event: string, messageId: string) =>
          JSON.stringify({
            writeKey,
            type: 'track',
            event,
            anonymousId: 'beacon-visitor',
            messageId,
          });
        const beacon = nav.sendBeacon(`${api}/v1/t`, message('Beacon Sent', ids.beacon));
        const res = await fetch(`${api}/v1/t`, {
          method: 'POST',
          keepalive: true,
          headers: { 'content-type': 'text/plain' },
          body: message('Keepalive Sent', ids.keepalive),
        });
        return { beacon, keepalive: res.status };
      },
      { api: host.url, writeKey: WRITE_KEY, ids },
    );
    expect(queued).toEqual({ beacon: true, keepalive: 200 });
    await context.close();
    // A text/plain POST without custom headers is a simple request: no preflight was needed.
    expect(traffic.requests.filter((r) => r.method === 'OPTIONS')).toEqual([]);
    expect(traffic.console).toEqual([]);
    await expectAllStored(
      Object.entries(ids).map(([name, id]) => ({
        eventId: derivedEventId(KEY_ID, id),
        userId: 'anon:beacon-visitor',
        name,
        raw: {},
      })),
    );
  }, 60_000);

  it('analytics.js in batching mode posts to /v1/b; all stored', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const traffic = watch(page, host.url);
    await page.goto(`${site.url}/segment-batching.html`);
    await page.evaluate(async () => {
      const a = (
        globalThis as unknown as {
          analytics: Record<string, (...x: unknown[]) => Promise<unknown>>;
        }
      ).analytics;
      await Promise.all([
        a.page!(),
        a.track!('Added To Cart', { sku: 'B-2' }),
        a.track!('Viewed', {}),
        a.identify!('user-batch-1'),
      ]);
    });
    await drain(page, traffic, () => sentOf(traffic).length >= 4);
    await context.close();
    expect(traffic.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toContain(
      'POST /v1/b 200',
    );
    expect(traffic.console).toEqual([]);
    await expectAllStored(sentOf(traffic));
  }, 90_000);

  it('analytics.js: an anonymous session followed by identify counts as one user', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const traffic = watch(page, host.url);
    await page.goto(`${site.url}/segment.html`);
    await page.evaluate(async () => {
      const a = (
        globalThis as unknown as {
          analytics: Record<string, (...x: unknown[]) => Promise<unknown>>;
        }
      ).analytics;
      await a.track!('Viewed Pricing');
      await a.identify!('bob+test@example.com', { plan: 'pro' });
      await a.track!('Upgraded');
    });
    await drain(page, traffic, () => sentOf(traffic).length >= 3);
    await context.close();
    const sent = sentOf(traffic);
    const anon = sent.find((s) => s.name === 'Viewed Pricing')!.userId;
    expect(anon).toMatch(/^anon:/);
    await expectOnePerson('bob+test@example.com', anon, sent);
  }, 90_000);

  it('a retry after a 503 does not double-count (analytics.js and posthog-js)', async () => {
    // analytics.js: the queue refuses the first send; the library retries with backoff.
    let context = await newContext();
    let page = await context.newPage();
    let traffic = watch(page, host.url);
    await page.goto(`${site.url}/segment.html`);
    await page.waitForFunction(() => 'analytics' in globalThis);
    let refused = failNextSends(host.deps);
    await page.evaluate(async () => {
      const a = (
        globalThis as unknown as {
          analytics: Record<string, (...x: unknown[]) => Promise<unknown>>;
        }
      ).analytics;
      await a.track!('Retried Purchase', { revenue: 9 });
    });
    await drain(page, traffic, () =>
      traffic.requests.some((r) => r.path === '/v1/t' && r.status === 200),
    );
    await context.close();
    expect(refused()).toBe(1);
    let tracks = traffic.requests.filter((r) => r.path === '/v1/t');
    expect(tracks.map((r) => r.status)).toEqual([503, 200]);
    // Same messageId on both attempts, so one eventId: stored once.
    expect(new Set(tracks.flatMap((r) => r.messages.map((m) => m.eventId))).size).toBe(1);
    await expectAllStored(sentOf(traffic));
    // The browser's own network line for the 503 is the only console entry.
    expect(traffic.console.filter((l) => !/status of 503/.test(l))).toEqual([]);

    // posthog-js: the same, through its retry queue.
    context = await newContext();
    page = await context.newPage();
    traffic = watch(page, host.url);
    await page.goto(`${site.url}/posthog.html`);
    await page.waitForFunction(
      () => (globalThis as unknown as { posthog?: { __loaded?: boolean } }).posthog?.__loaded,
    );
    await drain(page, traffic, () => sentOf(traffic).some((s) => s.name === '$pageview'));
    refused = failNextSends(host.deps);
    await page.evaluate(() => {
      (globalThis as unknown as { posthog: { capture(n: string): void } }).posthog.capture(
        'Retried Upgrade',
      );
    });
    await drain(page, traffic, () =>
      traffic.requests.some(
        (r) => r.status === 200 && r.messages.some((m) => m.name === 'Retried Upgrade'),
      ),
    );
    await context.close();
    expect(refused()).toBe(1);
    tracks = traffic.requests.filter((r) => r.messages.some((m) => m.name === 'Retried Upgrade'));
    expect(tracks.map((r) => r.status)).toEqual([503, 200]);
    await expectAllStored(sentOf(traffic));
    expect(traffic.console.filter((l) => !/status of 503/.test(l))).toEqual([]);
  }, 120_000);
});
