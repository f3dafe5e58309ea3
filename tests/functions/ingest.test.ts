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
