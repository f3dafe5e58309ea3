import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { createIngestHandler } from '../../src/functions/ingest.js';
import { testDeps } from '../support/testDeps.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function request(
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  return new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/events',
    headers,
    body: { string: typeof body === 'string' ? body : JSON.stringify(body) },
  });
}

describe('ingest', () => {
  it('hands accepted events to the queue with the request trace context', async () => {
    const deps = testDeps();
    const res = await createIngestHandler(deps)(
      request(
        { userId: 'u', type: 't' },
        { 'content-type': 'application/json', traceparent: TRACEPARENT },
      ),
      new InvocationContext(),
    );
    expect(res.status).toBe(202);
    expect(res.jsonBody).toMatchObject({
      accepted: 1,
      rejected: 0,
      results: [{ index: 0, status: 'accepted' }],
    });
    expect(deps.recorded.sent).toHaveLength(1);
    expect(deps.recorded.sent[0]).toMatchObject({
      traceparent: TRACEPARENT,
      events: [{ userId: 'u', type: 't' }],
    });
    expect(deps.recorded.metrics.find((m) => m.name === 'IngestEventsAccepted')).toMatchObject({
      value: 1,
      traceparent: TRACEPARENT,
    });
  });

  it('falls back to the host trace context', async () => {
    const deps = testDeps();
    const context = new InvocationContext({
      traceContext: { traceParent: TRACEPARENT, traceState: '', attributes: {} },
    });
    await createIngestHandler(deps)(request({ userId: 'u', type: 't' }), context);
    expect(deps.recorded.sent[0]?.traceparent).toBe(TRACEPARENT);
  });

  it('answers 503 with Retry-After and accepts nothing when the queue refuses', async () => {
    const deps = testDeps({
      sendResult: { ok: false, reason: 'namespace unreachable', retryAfterSeconds: 7 },
    });
    const res = await createIngestHandler(deps)(
      request({ events: [{ userId: 'u', type: 't' }] }),
      new InvocationContext(),
    );
    expect(res.status).toBe(503);
    expect(new Headers(res.headers as Record<string, string>).get('retry-after')).toBe('7');
    expect(JSON.stringify(res.jsonBody)).not.toContain('"accepted"');
    expect(deps.recorded.metrics.some((m) => m.name === 'IngestEventsAccepted')).toBe(false);
  });

  it('sends nothing when no event is valid', async () => {
    const deps = testDeps();
    const res = await createIngestHandler(deps)(
      request({ events: [{ userId: 'u' }] }),
      new InvocationContext(),
    );
    expect(res.status).toBe(400);
    expect(res.jsonBody).toMatchObject({
      accepted: 0,
      rejected: 1,
      results: [{ errors: [{ path: 'type', code: 'invalid_type' }] }],
    });
    expect(deps.recorded.sent).toHaveLength(0);
  });

  it('answers 400 naming the field for an invalid batch envelope', async () => {
    const res = await createIngestHandler(testDeps())(
      request({ events: 'no' }),
      new InvocationContext(),
    );
    expect(res.status).toBe(400);
    expect(res.jsonBody).toMatchObject({
      error: { code: 'invalid_body', errors: [{ path: 'events' }] },
    });
  });
});

describe('ingest with Idempotency-Key', () => {
  const headers = (key: string) => ({ 'content-type': 'application/json', 'idempotency-key': key });
  const batch = {
    events: [
      { userId: 'u', type: 't' },
      { eventId: '3B241101-E2BB-4255-8CAF-4136C566A962', userId: 'u', type: 't' },
      { userId: 'v', type: 't' },
    ],
  };
  const idsOf = (deps: ReturnType<typeof testDeps>) =>
    deps.recorded.sent.flatMap((s) => s.events.map((e) => e.eventId));

  it('derives the same ids on a retry, and keeps client ids (in lower case)', async () => {
    const deps = testDeps();
    const ingest = createIngestHandler(deps);
    await ingest(request(batch, headers('retry-1')), new InvocationContext());
    await ingest(request(batch, headers('retry-1')), new InvocationContext());
    const ids = idsOf(deps);
    expect(ids).toHaveLength(6);
    expect(ids.slice(3)).toEqual(ids.slice(0, 3));
    expect(ids[1]).toBe('3b241101-e2bb-4255-8caf-4136c566a962');
    expect(ids[0]).not.toBe(ids[2]);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives a different key different ids, and no key fresh ids', async () => {
    const deps = testDeps();
    const ingest = createIngestHandler(deps);
    await ingest(request(batch, headers('retry-1')), new InvocationContext());
    await ingest(request(batch, headers('retry-2')), new InvocationContext());
    await ingest(request(batch), new InvocationContext());
    const ids = idsOf(deps);
    expect(new Set([ids[0], ids[3], ids[6]]).size).toBe(3);
    expect(ids[6]).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('answers 400 naming the header for an invalid key, and queues nothing', async () => {
    const deps = testDeps();
    for (const bad of ['x'.repeat(256), 'has space']) {
      const res = await createIngestHandler(deps)(
        request(batch, headers(bad)),
        new InvocationContext(),
      );
      expect(res.status).toBe(400);
      expect(res.jsonBody).toMatchObject({
        error: { code: 'invalid_header', errors: [{ path: 'Idempotency-Key' }] },
      });
    }
    expect(deps.recorded.sent).toHaveLength(0);
  });
});
