import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { derivedEventId } from '../../../src/core/compat/compatEventId.js';
import { eventually, startTestHost, type TestHost } from '../../support/localHost.js';
import { createTestAccess } from '../../support/testAccess.js';

/*
 * The mobile libraries cannot run here, so their requests are replayed: tests/corpus/mobile holds
 * request bodies taken from each library's source or test fixtures (each file names its repo, path
 * and commit). Each is sent as the library sends it (path, headers, gzip), after the settings fetch
 * the Segment libraries make, and every message must come back from the API with its fields where
 * the README's mapping puts them.
 */

interface Fixture {
  library: string;
  source: unknown;
  request: { method: string; path: string; headers: Record<string, string> };
  body: { batch: Record<string, unknown>[] } & Record<string, unknown>;
}

const WRITE_KEY = 'wk_mobile_test';
const READ_KEY = 'rk_mobile_test';
const KEY_ID = 'k-mobile';
const dir = new URL('../../corpus/mobile/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture);

/** A UUIDv7 (what the PostHog libraries put in `uuid`), random but for its time prefix. */
function uuidV7(): string {
  const hex = Date.now().toString(16).padStart(12, '0') + randomUUID().replace(/-/g, '').slice(12);
  const h = hex.split('');
  h[12] = '7';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** The fixture's placeholders filled as a device would: fresh ids, the clock, plain values. */
function fill(value: unknown, now: string): unknown {
  if (Array.isArray(value)) return value.map((v) => fill(v, now));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, now)]));
  if (typeof value !== 'string' || !/^<[\w-]+>$/.test(value)) return value;
  switch (value) {
    case '<uuid-v7>':
    case '<uuid>':
      return uuidV7();
    case '<message-id>':
      return randomUUID();
    case '<iso8601-timestamp>':
      return now;
    case '<timestamp-ms>':
      return Date.parse(now);
    case '<environment-bool>':
      return false;
    case '<sdk-version>':
      return '3.30.0';
    case '<write-key>':
      return WRITE_KEY;
    default:
      return value.slice(1, -1);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** PostHog `$` properties kept as library context (the shared event shape of wave 3). */
const POSTHOG_NOT_CONTEXT = new Set(['$set', '$set_once', '$anon_distinct_id', '$groups']);

/** What the stored document must hold for a message (README, "Segment- and PostHog-compatible"). */
function expectMapped(
  library: string,
  message: Record<string, unknown>,
  doc: Record<string, unknown>,
) {
  const label = `${library} ${String(message.event ?? message.type)}`;
  if (library.startsWith('posthog')) {
    const props = message.properties as Record<string, unknown>;
    expect(doc.eventId, label).toBe(String(message.uuid).toLowerCase());
    const own = Object.fromEntries(
      Object.entries(props).filter(([k]) => !k.startsWith('$') && k !== 'distinct_id'),
    );
    // $groupidentify's own fields make its `group` and the group's traits.
    const grouping = message.event === '$groupidentify' ? /^\$group_(type|key|set)$/ : /^$/;
    const context = Object.fromEntries(
      Object.entries(props).filter(
        ([k]) => k.startsWith('$') && !POSTHOG_NOT_CONTEXT.has(k) && !grouping.test(k),
      ),
    );
    if (Object.keys(own).length > 0) expect(doc.properties, label).toMatchObject(own);
    expect(doc.context, label).toMatchObject(context);
    if (isObject(props.$set)) expect(doc.traits, label).toMatchObject(props.$set);
    if (isObject(props.$set_once)) expect(doc.traitsOnce, label).toMatchObject(props.$set_once);
    if (message.event === '$identify' && typeof props.$anon_distinct_id === 'string')
      expect(doc.link, label).toEqual({ previousId: props.$anon_distinct_id, via: 'identify' });
    if (message.event === '$groupidentify') {
      expect(doc.group, label).toEqual({ type: props.$group_type, id: props.$group_key });
      expect(doc.traits, label).toMatchObject(props.$group_set as Record<string, unknown>);
    }
    return;
  }
  expect(doc.eventId, label).toBe(derivedEventId(KEY_ID, String(message.messageId)));
  if (isObject(message.properties) && Object.keys(message.properties).length > 0)
    expect(doc.properties, label).toMatchObject(message.properties);
  expect(doc.context, label).toMatchObject(message.context as Record<string, unknown>);
  if (isObject(message.traits)) expect(doc.traits, label).toMatchObject(message.traits);
  if (message.type === 'group') expect(doc.group, label).toMatchObject({ id: message.groupId });
  if (message.type === 'alias')
    expect(doc.link, label).toEqual({ previousId: message.previousId, via: 'alias' });
  if (message.type === 'identify' && typeof message.anonymousId === 'string')
    expect(doc.link, label).toEqual({ previousId: `anon:${message.anonymousId}`, via: 'identify' });
}

/** The user a message is stored under (before any link): what the library sent. */
const userOf = (library: string, m: Record<string, unknown>): string =>
  library.startsWith('posthog')
    ? String(m.distinct_id)
    : typeof m.userId === 'string'
      ? m.userId
      : `anon:${String(m.anonymousId)}`;

describe('mobile libraries, replayed from their own request bodies', () => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost({}, mkdtempSync(join(tmpdir(), 'scoring-mobile-')), {
      access: createTestAccess({
        [WRITE_KEY]: { keyId: KEY_ID, name: 'app', scope: 'write' },
        [READ_KEY]: { keyId: 'k-read', name: 'reader', scope: 'read' },
      }),
    });
  });
  afterAll(async () => {
    await host?.close();
    host?.removeData();
  });

  it('holds the four libraries, each naming where its request comes from', () => {
    expect(fixtures.map((f) => f.library).sort()).toEqual([
      'analytics-kotlin',
      'analytics-swift',
      'posthog-android',
      'posthog-ios',
    ]);
    for (const f of fixtures) expect(JSON.stringify(f.source)).toMatch(/"repo":"[\w-]+\/[\w-]+"/);
  });

  it.each(fixtures.map((f) => [f.library, f] as const))(
    '%s: sent as the library sends it, every message stored with its fields mapped',
    async (library, fixture) => {
      if (fixture.request.path.startsWith('/v1/')) {
        // The Segment libraries fetch https://{cdnHost}/projects/{writeKey}/settings first.
        const settings = await fetch(`${host.url}/v1/projects/${WRITE_KEY}/settings`);
        expect(settings.status).toBe(200);
        const body = (await settings.json()) as {
          integrations: Record<string, { apiHost: string }>;
        };
        expect(body.integrations['Segment.io']!.apiHost).toBe(`${new URL(host.url).host}/v1`);
      }
      const now = new Date().toISOString();
      const body = fill(fixture.body, now) as Fixture['body'];
      if ('api_key' in body) body.api_key = WRITE_KEY;
      const json = Buffer.from(JSON.stringify(body));
      const headers = Object.fromEntries(
        Object.entries(fixture.request.headers).filter(([k]) => k !== 'content-length'),
      );
      const gzip = headers['content-encoding'] === 'gzip';
      const res = await fetch(`${host.url}${fixture.request.path}`, {
        method: fixture.request.method,
        headers,
        body: gzip ? gzipSync(json) : json,
      });
      const answer = (await res.json()) as { accepted: number; rejected: unknown[] };
      expect(res.status, JSON.stringify(answer)).toBe(200);
      expect(answer.rejected).toEqual([]);
      expect(answer.accepted).toBe(body.batch.length);

      for (const message of body.batch) {
        const userId = userOf(library, message);
        const wanted = library.startsWith('posthog')
          ? String(message.uuid)
          : derivedEventId(KEY_ID, String(message.messageId));
        const doc = await eventually(async () => {
          const r = await fetch(`${host.url}/api/users/${encodeURIComponent(userId)}/scores`, {
            headers: { authorization: `Bearer ${READ_KEY}` },
          });
          if (r.status !== 200) return undefined;
          const items = ((await r.json()) as { items: Record<string, unknown>[] }).items;
          return items.find((i) => i.eventId === wanted);
        });
        expectMapped(library, message, doc);
      }
    },
  );
});
