import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  createDeletionStatusHandler,
  createRequestDeletionHandler,
} from '../../../src/functions/deletions/deletions.js';
import { scoredEvent } from '../../adapters/storeContract.js';
import { testDeps } from '../../support/testDeps.js';

const post = (body: string) =>
  new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/privacy/deletions',
    body: { string: body },
  });
const get = (id: string) =>
  new HttpRequest({
    method: 'GET',
    url: `http://localhost/api/privacy/deletions/${id}`,
    params: { id },
  });
const admin = { keyId: 'key-a', name: 'ops', scope: 'admin' as const };

describe('POST and GET /api/privacy/deletions', () => {
  it('answers 202 with the request, resolved to the person, suppressed when asked, audited', async () => {
    const deps = testDeps();
    await deps.store.write([
      scoredEvent('anon:1', '2026-11-20T10:00:00Z'),
      scoredEvent('ann', '2026-11-21T10:00:00Z', {
        link: { previousId: 'anon:1', via: 'identify' },
      }),
    ]);
    const res = await createRequestDeletionHandler(deps)(
      post(JSON.stringify({ userIds: ['anon:1'], suppress: true })),
      new InvocationContext(),
      admin,
    );
    expect(res.status).toBe(202);
    const body = res.jsonBody as Record<string, unknown>;
    expect(body).toMatchObject({
      state: 'pending',
      requested: 1,
      erasedIds: 2,
      suppress: true,
      receivedUpTo: '2026-11-24T12:00:00.000Z',
      step: 'resolve',
    });
    expect(JSON.stringify(body)).not.toContain('anon:1');
    expect((res.headers as Record<string, string>).location).toBe(
      `/api/privacy/deletions/${String(body.id)}`,
    );
    expect((await deps.privacy.store.list()).map((s) => s.userId)).toEqual(['anon:1']);
    // The ledger is in force for the scorer at once in this process.
    expect((await deps.deletions.erased.current()).size).toBe(2);
    const audit = await deps.audit.list({ limit: 10 });
    expect(audit.items.map((r) => [r.action, r.actor, r.target])).toContainEqual([
      'deletion.request',
      'key-a',
      body.id,
    ]);

    const status = await createDeletionStatusHandler(deps)(get(String(body.id)));
    expect(status.status).toBe(200);
    expect(status.jsonBody).toEqual(body);
  });

  it('refuses a bad body naming the field, and an unknown or malformed id', async () => {
    const deps = testDeps();
    const handler = createRequestDeletionHandler(deps);
    const cases: [string, number, string][] = [
      ['not json', 400, 'invalid_json'],
      ['{"userIds":[]}', 400, 'invalid_parameter'],
      [
        JSON.stringify({ userIds: Array.from({ length: 1001 }, (_, i) => `u${i}`) }),
        400,
        'invalid_parameter',
      ],
      ['{"userIds":["a\\u0000b"]}', 400, 'invalid_parameter'],
      ['{"userIds":["a"],"suppress":"yes"}', 400, 'invalid_parameter'],
      ['{"userIds":["a"],"extra":1}', 400, 'invalid_parameter'],
    ];
    for (const [body, status, code] of cases) {
      const res = await handler(post(body), new InvocationContext(), admin);
      expect([res.status, (res.jsonBody as { error: { code: string } }).error.code]).toEqual([
        status,
        code,
      ]);
    }
    const missing = await createDeletionStatusHandler(deps)(
      get('6f1c2d3e-0000-4000-8000-000000000000'),
    );
    expect(missing.status).toBe(404);
    const bad = await createDeletionStatusHandler(deps)(get('../etc'));
    expect(bad.status).toBe(400);
  });
});
