import { gzipSync } from 'node:zlib';

import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { openCaller } from '../../../src/core/access/scope.js';
import { derivedEventId } from '../../../src/core/compat/compatEventId.js';
import { createSegmentHandler } from '../../../src/functions/compat/segmentHandler.js';
import { createTestAccess } from '../../support/testAccess.js';
import { testDeps } from '../../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;

const keys = {
  'w-key': { keyId: 'k-w', name: 'web-app', scope: 'write' as const },
  'r-key': { keyId: 'k-r', name: 'dashboard', scope: 'read' as const },
};

function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return new HttpRequest({
    method: 'POST',
    url: `http://localhost/${path}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? { string: body } : { bytes: body },
  });
}

const basic = (key: string) => ({
  authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

function setup() {
  const deps = testDeps();
  const access = createTestAccess(keys);
  deps.access = access;
  const metrics: { name: string; value: number; properties?: unknown }[] = [];
  const warnings: string[] = [];
  deps.telemetry = {
    trackEvent: () => undefined,
    trackMetric: (name, value, properties) => metrics.push({ name, value, properties }),
  };
  deps.logger = { ...deps.logger, warn: (m) => warnings.push(m) };
  return { deps, access, metrics, warnings };
}

const track = (messageId: string, extra: object = {}) => ({
  type: 'track',
  event: 'Order Completed',
  userId: 'u-1',
  messageId,
  properties: { revenue: 5 },
  ...extra,
});

describe('segment handler', () => {
  it('answers 200 success for a batch with a bad message, listing, counting and setting aside the rejection', async () => {
    const { deps, metrics, warnings } = setup();
    const res = await createSegmentHandler('batch')(deps)(
      post(
        'v1/batch',
        JSON.stringify({
          batch: [track('m1'), { type: 'track', userId: 'u-1' }],
          sentAt: new Date(deps.now()).toISOString(),
        }),
        basic('w-key'),
      ),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({
      success: true,
      accepted: 1,
      rejected: [{ index: 1, messageId: null, errors: [{ path: 'event', code: 'required' }] }],
    });
    expect(deps.recorded.sent[0]?.events).toMatchObject([
      {
        eventId: derivedEventId('k-w', 'm1'),
        userId: 'u-1',
        type: 'order_completed',
        amount: 5,
        source: 'web-app',
      },
    ]);
    expect(metrics).toContainEqual({
      name: 'CompatRejected',
      value: 1,
      properties: { protocol: 'segment' },
    });
    expect(warnings.join('\n')).toMatch(/segment: 1 of 2 messages rejected/);
    expect(deps.recorded.deadLetters).toMatchObject([
      { key: 'compat:segment:index-1', reason: expect.stringMatching(/^event:/) },
    ]);
    expect(res.headers).toMatchObject({ 'ratelimit-remaining': '99' });
  });

  it('takes the key from writeKey in the body when no header has one', async () => {
    const { deps, access } = setup();
    const res = await createSegmentHandler('track')(deps)(
      post('v1/track', JSON.stringify({ ...track('m2'), writeKey: 'w-key' })),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(200);
    expect(access.taken).toBe(1);
    expect(deps.recorded.sent[0]?.events[0]).toMatchObject({
      type: 'order_completed',
      source: 'web-app',
    });
  });

  it('refuses no key (401), an unknown key (401) and a key without the write scope (403)', async () => {
    const { deps } = setup();
    const handler = createSegmentHandler('batch')(deps);
    const body = JSON.stringify({ batch: [track('m3')] });
    expect(
      (await handler(post('v1/batch', body), new InvocationContext(), openCaller)).status,
    ).toBe(401);
    expect(
      (await handler(post('v1/batch', body, basic('nope')), new InvocationContext(), openCaller))
        .status,
    ).toBe(401);
    const wrong = await handler(
      post('v1/batch', JSON.stringify({ batch: [track('m3')], writeKey: 'r-key' })),
      new InvocationContext(),
      openCaller,
    );
    expect(wrong.status).toBe(403);
    expect(wrong.jsonBody).toMatchObject({ error: { code: 'forbidden' } });
    expect(deps.recorded.sent).toHaveLength(0);
  });

  it('answers 429 with an integer Retry-After and queues nothing when the bucket is empty', async () => {
    const { deps, access } = setup();
    access.refuseFor(60_000, 3);
    const res = await createSegmentHandler('batch')(deps)(
      post('v1/batch', JSON.stringify({ batch: [track('m4')] }), basic('w-key')),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ 'retry-after': '3' });
    expect(deps.recorded.sent).toHaveLength(0);
  });

  it('answers 503 with Retry-After when the queue refuses', async () => {
    const deps = testDeps({ sendResult: { ok: false, reason: 'down', retryAfterSeconds: 4 } });
    const res = await createSegmentHandler('batch')(deps)(
      post('v1/batch', JSON.stringify({ batch: [track('m5')] })),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ 'retry-after': '4' });
  });

  it('answers 400 only for a body that is not JSON (or not a batch)', async () => {
    const { deps } = setup();
    const handler = createSegmentHandler('batch')(deps);
    const bad = await handler(
      post('v1/batch', '{"batch": [', basic('w-key')),
      new InvocationContext(),
      openCaller,
    );
    expect(bad.status).toBe(400);
    expect(bad.jsonBody).toMatchObject({ error: { code: 'invalid_json' } });
    const notBatch = await handler(
      post('v1/batch', '{"batch": 1}', basic('w-key')),
      new InvocationContext(),
      openCaller,
    );
    expect(notBatch.jsonBody).toMatchObject({ error: { errors: [{ path: 'batch' }] } });
  });

  it('accepts gzip bodies and any content type', async () => {
    const { deps } = setup();
    const res = await createSegmentHandler('batch')(deps)(
      post('v1/batch', gzipSync(JSON.stringify({ batch: [track('m6')] })), {
        ...basic('w-key'),
        'content-encoding': 'gzip',
        'content-type': 'text/plain',
      }),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(200);
    expect(deps.recorded.sent[0]?.events).toHaveLength(1);
  });

  it('answers 413 over 500 KB per batch or 32 KB per message', async () => {
    const { deps } = setup();
    const handler = createSegmentHandler('batch')(deps);
    const big = 'x'.repeat(1000);
    const many = Array.from({ length: 520 }, (_, i) =>
      track(`b${i}`, { properties: { note: big } }),
    );
    const overBatch = await handler(
      post('v1/batch', JSON.stringify({ batch: many }), basic('w-key')),
      new InvocationContext(),
      openCaller,
    );
    expect(overBatch.status).toBe(413);
    const fat = track('fat', { context: { blob: 'y'.repeat(33 * 1024) } });
    const overMessage = await handler(
      post('v1/batch', JSON.stringify({ batch: [track('ok'), fat] }), basic('w-key')),
      new InvocationContext(),
      openCaller,
    );
    expect(overMessage.status).toBe(413);
    expect(overMessage.jsonBody).toMatchObject({ error: { errors: [{ path: 'batch.1' }] } });
    expect(deps.recorded.sent).toHaveLength(0);
  });

  it('gives a re-sent batch the same eventIds, so the store counts it once', async () => {
    const { deps } = setup();
    const handler = createSegmentHandler('batch')(deps);
    const body = JSON.stringify({ batch: [track('r1'), track('r2')] });
    await handler(post('v1/batch', body, basic('w-key')), new InvocationContext(), openCaller);
    await handler(post('v1/batch', body, basic('w-key')), new InvocationContext(), openCaller);
    const [first, second] = deps.recorded.sent.map((s) => s.events.map((e) => e.eventId));
    expect(second).toEqual(first);
  });
});
