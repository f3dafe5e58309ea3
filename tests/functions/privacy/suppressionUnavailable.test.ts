import { HttpRequest, InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { createIngestHandler } from '../../../src/functions/ingest.js';
import { testDeps } from '../../support/testDeps.js';

describe('ingest when the suppression list was never loaded', () => {
  it('answers 503 with Retry-After and queues nothing, rather than accept unchecked events', async () => {
    const deps = testDeps();
    deps.privacy.list = {
      current: () => Promise.reject(new Error('store down')),
      invalidate: () => undefined,
    };
    const res = await createIngestHandler(deps)(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/api/events',
        headers: { 'content-type': 'application/json' },
        body: { string: JSON.stringify({ userId: 'u', type: 't' }) },
      }),
      new InvocationContext(),
    );
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ 'retry-after': '5' });
    expect((res.jsonBody as { error: { code: string } }).error.code).toBe('store_unavailable');
    expect(deps.recorded.sent).toEqual([]);
  });
});
