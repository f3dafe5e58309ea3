import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { createDauHandler } from '../../src/functions/dau.js';
import { createHealthHandler } from '../../src/functions/health.js';
import { createUserScoresHandler } from '../../src/functions/userScores.js';
import type { ScoreStore } from '../../src/ports.js';
import { testDeps } from '../support/testDeps.js';

const get = (url: string, params: Record<string, string> = {}) =>
  new HttpRequest({ method: 'GET', url: `http://localhost/api/${url}`, params });

const downStore = (store: ScoreStore): ScoreStore => ({
  ...store,
  userScores: () => Promise.reject(new Error('ECONNREFUSED')),
  dailyActiveUsers: () => Promise.reject(new Error('ECONNREFUSED')),
  check: () => Promise.reject(new Error('ECONNREFUSED')),
});

describe('query functions', () => {
  it('answer 503 with Retry-After when the store is down, not 500', async () => {
    const deps = testDeps();
    const broken = { ...deps, store: downStore(deps.store) };
    const scores = await createUserScoresHandler(broken)(get('users/u1/scores', { userId: 'u1' }));
    const dau = await createDauHandler(broken)(get('stats/dau'));
    for (const res of [scores, dau]) {
      expect(res.status).toBe(503);
      expect(res.jsonBody).toMatchObject({ error: { code: 'store_unavailable' } });
    }
  });

  it('health names what is down', async () => {
    const deps = testDeps({ scorer: undefined });
    const res = await createHealthHandler({ ...deps, store: downStore(deps.store) })();
    expect(res.status).toBe(503);
    expect(res.jsonBody).toMatchObject({
      status: 'down',
      down: ['store', 'model'],
      checks: {
        queue: { status: 'ok' },
        store: { status: 'down', detail: 'ECONNREFUSED' },
        model: { status: 'down', detail: expect.stringContaining('does not exist') },
      },
    });
  });

  it('health is ok with the model named', async () => {
    const res = await createHealthHandler(testDeps())();
    expect(res).toMatchObject({
      status: 200,
      jsonBody: { status: 'ok', checks: { model: { status: 'ok', detail: 'test-model@1.0.0' } } },
    });
  });
});
