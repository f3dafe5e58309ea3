import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { utcDay } from '../../../src/core/time/calendarDay.js';
import { eventually, startTestHost, type TestHost } from '../../support/localHost.js';
import { createTestAccess } from '../../support/testAccess.js';

const keys = {
  'w-key': { keyId: 'key-w', name: 'web', scope: 'write' as const },
  'r-key': { keyId: 'key-r', name: 'dashboard', scope: 'read' as const },
};

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost({}, mkdtempSync(join(tmpdir(), 'scoring-identity-')), {
    access: createTestAccess(keys),
  });
});

afterAll(async () => {
  await host?.close();
  host?.removeData();
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${host.url}${path}`, { headers: { authorization: 'Bearer r-key' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The person's summary once the scorer has stored `events` of theirs. */
async function summaryOnce(userId: string, events: number) {
  await host.consumer!.drain();
  const path = `/api/users/${encodeURIComponent(userId)}`;
  return eventually(async () => {
    const { status, body } = await get(path);
    return status === 200 && body.events === events ? body : undefined;
  });
}

const today = () => utcDay(new Date().toISOString());

describe('an anonymous visit, then a login, through the compatibility routes', () => {
  it('Segment: the anonymous id and the user are one person, with the identify traits', async () => {
    const client = new Analytics({
      writeKey: 'w-key',
      host: host.url,
      path: '/v1/batch',
      flushAt: 20,
      flushInterval: 50,
    });
    client.page({ anonymousId: 'visit-1', name: 'Pricing' });
    client.track({ anonymousId: 'visit-1', event: 'Plan Viewed' });
    client.identify({
      userId: 'ann@example.com',
      anonymousId: 'visit-1',
      traits: { plan: 'pro', name: 'Ann' },
    });
    client.track({ userId: 'ann@example.com', anonymousId: 'visit-1', event: 'Plan Bought' });
    await client.closeAndFlush({ timeout: 15_000 });

    const summary = await summaryOnce('ann@example.com', 4);
    expect(summary).toMatchObject({
      userId: 'ann@example.com',
      linkedIds: ['anon:visit-1'],
      events: 4,
      activeDays: 1,
      profile: { traits: { plan: 'pro', name: 'Ann' } },
    });
    // The anonymous id answers with its person; the list holds the events of both ids.
    expect((await get('/api/users/anon%3Avisit-1')).body).toEqual(summary);
    const scores = await get('/api/users/anon%3Avisit-1/scores?limit=10');
    expect((scores.body.items as { userId: string }[]).map((e) => e.userId).sort()).toEqual([
      'ann@example.com',
      'ann@example.com',
      'anon:visit-1',
      'anon:visit-1',
    ]);
  });

  it('PostHog: $identify with $anon_distinct_id joins the anonymous events and $set', async () => {
    const client = new PostHog('w-key', { host: host.url, flushAt: 20, flushInterval: 50 });
    client.capture({ distinctId: 'ph-anon-7', event: '$pageview' });
    client.capture({ distinctId: 'ph-anon-7', event: 'clicked' });
    client.identify({
      distinctId: 'bob',
      properties: { $anon_distinct_id: 'ph-anon-7', $set: { plan: 'team' } },
    });
    client.capture({ distinctId: 'bob', event: 'bought' });
    await client.shutdown();

    const summary = await summaryOnce('bob', 4);
    expect(summary).toMatchObject({
      userId: 'bob',
      linkedIds: ['ph-anon-7'],
      profile: { traits: { plan: 'team' } },
    });
    const dau = await get(`/api/stats/dau?from=${today()}&to=${today()}`);
    // ann and bob, each counted once with their anonymous ids.
    expect(dau.body.series).toEqual([{ day: today(), activeUsers: 2 }]);
  });
});
