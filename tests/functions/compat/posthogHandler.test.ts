import { gzipSync } from 'node:zlib';

import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { openCaller } from '../../../src/core/access/scope.js';
import { createPosthogHandler } from '../../../src/functions/compat/posthogHandler.js';
import { createTestAccess } from '../../support/testAccess.js';
import { testDeps } from '../../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;

const keys = {
  phc_write: { keyId: 'k-w', name: 'web-app', scope: 'write' as const },
  phc_read: { keyId: 'k-r', name: 'dashboard', scope: 'read' as const },
};

function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return new HttpRequest({
    method: 'POST',
    url: `http://localhost/${path}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? { string: body } : { bytes: body },
  });
}

function setup() {
  const deps = testDeps();
  deps.access = createTestAccess(keys);
  return deps;
}

const capture = (uuid: string) => ({
  event: '$pageview',
  distinct_id: 'u-1',
  uuid,
  properties: { $current_url: 'https://x.test/' },
});
const UUID = '0190f3c2-7b1e-7a11-9c2b-1234567890ab';

describe('posthog handler', () => {
  it('takes a batch { api_key, batch, sent_at } and answers 200 { status: "Ok" }', async () => {
    const deps = setup();
    const res = await createPosthogHandler(deps)(
      post(
        'batch/',
        JSON.stringify({
          api_key: 'phc_write',
          batch: [capture(UUID), { event: 'x' }],
          sent_at: new Date(deps.now()).toISOString(),
        }),
      ),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({ status: 'Ok', accepted: 1, rejected: [{ index: 1 }] });
    expect(deps.recorded.sent[0]?.events).toMatchObject([
      { eventId: UUID, type: 'ph:pageview', source: 'web-app' },
    ]);
  });

  it('takes a single event, a top-level array, and gzip named by ?compression=gzip-js with text/plain', async () => {
    const deps = setup();
    const handler = createPosthogHandler(deps);
    const single = await handler(
      post('capture', JSON.stringify({ ...capture(UUID), api_key: 'phc_write' })),
      new InvocationContext(),
      openCaller,
    );
    expect(single.status).toBe(200);
    const array = await handler(
      post('e', JSON.stringify([{ ...capture(UUID), properties: { token: 'phc_write' } }])),
      new InvocationContext(),
      openCaller,
    );
    expect(array.status).toBe(200);
    const zipped = gzipSync(JSON.stringify({ api_key: 'phc_write', batch: [capture(UUID)] }));
    const gz = await handler(
      post('i/v0/e/?compression=gzip-js', zipped, { 'content-type': 'text/plain' }),
      new InvocationContext(),
      openCaller,
    );
    expect(gz.status).toBe(200);
    expect(deps.recorded.sent).toHaveLength(3);
    expect(deps.recorded.sent[1]?.events[0]?.properties).not.toHaveProperty('token');
  });

  it('answers 401 without a valid key, 403 for a read key, 400 for bad bodies, 413 for a big event', async () => {
    const deps = setup();
    const handler = createPosthogHandler(deps);
    const status = async (body: string) =>
      (await handler(post('batch', body), new InvocationContext(), openCaller)).status;
    expect(await status(JSON.stringify({ batch: [capture(UUID)] }))).toBe(401);
    expect(await status(JSON.stringify({ api_key: 'phc_nope', batch: [capture(UUID)] }))).toBe(401);
    expect(await status(JSON.stringify({ api_key: 'phc_read', batch: [capture(UUID)] }))).toBe(403);
    expect(await status('{"api_key": "phc_write", "batch": [')).toBe(400);
    expect(await status(JSON.stringify({ api_key: 'phc_write', batch: [] }))).toBe(400);
    expect(
      await status(
        JSON.stringify({
          api_key: 'phc_write',
          batch: [{ ...capture(UUID), properties: { big: 'z'.repeat(40_000) } }],
        }),
      ),
    ).toBe(413);
    const base64 = await handler(
      post('batch?compression=base64', 'data=abc'),
      new InvocationContext(),
      openCaller,
    );
    expect(base64.jsonBody).toMatchObject({ error: { code: 'unsupported_compression' } });
    expect(deps.recorded.sent).toHaveLength(0);
  });

  it('answers 503 when the queue refuses', async () => {
    const deps = testDeps({ sendResult: { ok: false, reason: 'down', retryAfterSeconds: 2 } });
    const res = await createPosthogHandler(deps)(
      post('batch', JSON.stringify({ api_key: 'k', batch: [capture(UUID)] })),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ 'retry-after': '2' });
  });
});
