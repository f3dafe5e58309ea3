import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { createRetentionHandler } from '../../../src/functions/stats/retention.js';
import { createScoreDistributionHandler } from '../../../src/functions/stats/scoreDistribution.js';
import { createTopEventsHandler } from '../../../src/functions/stats/topEvents.js';
import { createUserSummaryHandler } from '../../../src/functions/stats/userSummary.js';
import type { Scorer, ScoreStore } from '../../../src/ports.js';
import { scoredEvent } from '../../adapters/storeContract.js';
import { fixedScorer, testDeps } from '../../support/testDeps.js';

const { HttpRequest } = azf;

const get = (path: string, params: Record<string, string> = {}) =>
  new HttpRequest({ method: 'GET', url: `http://localhost/api/${path}`, params });

const at = (day: string, hour = 12) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const model = (s: Scorer) => ({ name: s.name, version: s.version });

describe('analytics functions', () => {
  it.each([
    ['stats/top-events?limit=0', 'limit', /at least 1/],
    ['stats/top-events?limit=abc', 'limit', /integer/],
    ['stats/top-events?from=2026-02-30', 'from', /calendar day/],
    ['stats/top-events?from=2026-03-05&to=2026-03-01', 'from', /after to/],
    ['stats/retention', 'start', /required/],
    ['stats/retention?start=2026-03-01&interval=month', 'interval', /day or week/],
    ['stats/retention?start=2026-03-01&cohorts=53', 'cohorts', /at most 52/],
    ['stats/retention?start=2026-03-01&windows=0', 'windows', /at least 1/],
    ['stats/scores?bins=7', 'bins', /5, 10, 20, 50 or 100/],
    ['stats/scores?model=baseline', 'model', /name@version/],
    ['stats/scores?from=2025-01-01&to=2026-11-24', 'to', /366 days/],
  ])('%s answers 400 naming %s', async (path, param, rule) => {
    const deps = testDeps();
    const handler = path.startsWith('stats/top-events')
      ? createTopEventsHandler(deps)
      : path.startsWith('stats/retention')
        ? createRetentionHandler(deps)
        : createScoreDistributionHandler(deps);
    const res = await handler(get(path));
    expect(res.status).toBe(400);
    const body = res.jsonBody as {
      error: { code: string; errors: { path: string; message: string }[] };
    };
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.errors[0]?.path).toBe(param);
    expect(body.error.errors[0]?.message).toMatch(rule);
  });

  it('lists top event types most first, ties by type, total over every type', async () => {
    const deps = testDeps();
    const day = '2026-11-20';
    await deps.store.write([
      ...['b', 'a', 'c', 'c', 'd', 'd', 'd'].map((type, i) =>
        scoredEvent(`u${i}`, at(day, i), { type }),
      ),
      scoredEvent('u1', at('2026-09-01'), { type: 'old' }),
    ]);
    const res = await createTopEventsHandler(deps)(get('stats/top-events?limit=3'));
    expect(res.jsonBody).toEqual({
      from: '2026-10-26',
      to: '2026-11-24',
      total: 7,
      items: [
        { type: 'd', events: 3 },
        { type: 'c', events: 2 },
        { type: 'a', events: 1 },
      ],
    });
  });

  it('marks the windows that have not ended as incomplete', async () => {
    const deps = testDeps(); // today is 2026-11-24
    await deps.store.write([
      scoredEvent('u1', at('2026-11-22')),
      scoredEvent('u1', at('2026-11-23')),
      scoredEvent('u2', at('2026-11-23')),
      scoredEvent('u2', at('2026-11-24')),
    ]);
    const res = await createRetentionHandler(deps)(
      get('stats/retention?start=2026-11-22&cohorts=2&windows=2'),
    );
    expect(res.jsonBody).toEqual({
      start: '2026-11-22',
      interval: 'day',
      cohorts: [
        { cohort: '2026-11-22', size: 1, retained: [1, 1, 0], incomplete: [false, false, true] },
        { cohort: '2026-11-23', size: 1, retained: [1, 1, 0], incomplete: [false, true, true] },
      ],
    });
  });

  it('gives the champion histogram with the challenger beside, and 404 for a model never seen', async () => {
    const deps = testDeps();
    const champion = fixedScorer('1.0.0');
    const challenger = { ...fixedScorer('2.0.0'), name: 'candidate' };
    const withChallenger = { ...deps, models: { ...deps.models, challenger: () => challenger } };
    await deps.store.write([
      scoredEvent('u1', at('2026-11-20'), {
        model: model(champion),
        score: 0.05,
        challenger: { ...model(challenger), score: 0.95 },
      }),
      scoredEvent('u2', at('2026-11-20'), { model: model(champion), score: 1 }),
    ]);
    const handler = createScoreDistributionHandler(withChallenger);
    const res = await handler(get('stats/scores?bins=5'));
    expect(res.status).toBe(200);
    const bins = (counts: number[]) =>
      counts.map((count, i) => ({ from: i / 5, to: (i + 1) / 5, count }));
    expect(res.jsonBody).toEqual({
      from: '2026-10-26',
      to: '2026-11-24',
      model: model(champion),
      count: 2,
      mean: 0.525,
      bins: bins([1, 0, 0, 0, 1]),
      challenger: { model: model(challenger), count: 1, mean: 0.95, bins: bins([0, 0, 0, 0, 1]) },
    });

    const unknown = await handler(get('stats/scores?model=nobody@3'));
    expect(unknown.status).toBe(404);
    expect(unknown.jsonBody).toMatchObject({ error: { code: 'model_not_found' } });

    const named = await handler(get(`stats/scores?model=candidate@2.0.0&bins=100`));
    expect(named.jsonBody).toMatchObject({ model: model(challenger), count: 1 });
    expect(named.jsonBody).not.toHaveProperty('challenger');
  });

  it('answers a loaded champion that has scored nothing yet with zeros, not 404', async () => {
    const res = await createScoreDistributionHandler(testDeps())(get('stats/scores'));
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({ count: 0, mean: null });
  });

  it('summarises a user, 404 for one without events and 400 for a bad id', async () => {
    const deps = testDeps();
    const newest = scoredEvent('u1', at('2026-11-21', 9));
    await deps.store.write([
      scoredEvent('u1', at('2026-11-20', 8)),
      newest,
      scoredEvent('u1', at('2026-11-21', 7)),
    ]);
    const handler = createUserSummaryHandler(deps);
    expect((await handler(get('users/u1', { userId: 'u1' }))).jsonBody).toEqual({
      userId: 'u1',
      firstSeen: at('2026-11-20', 8),
      lastSeen: at('2026-11-21', 9),
      events: 3,
      activeDays: 2,
      latest: newest,
    });
    const missing = await handler(get('users/u9', { userId: 'u9' }));
    expect(missing.status).toBe(404);
    expect(missing.jsonBody).toMatchObject({ error: { code: 'user_not_found' } });
    const bad = await handler(get('users/a b', { userId: 'a b' }));
    expect(bad.status).toBe(400);
    expect(bad.jsonBody).toMatchObject({ error: { errors: [{ path: 'userId' }] } });
  });

  it('answer 503 with Retry-After when the store is down', async () => {
    const deps = testDeps();
    const down = (): Promise<never> => Promise.reject(new Error('ECONNREFUSED'));
    const store: ScoreStore = {
      ...deps.store,
      eventsByType: down,
      retention: down,
      scoreHistogram: down,
      userSummary: down,
    };
    const broken = { ...deps, store };
    const responses = await Promise.all([
      createTopEventsHandler(broken)(get('stats/top-events')),
      createRetentionHandler(broken)(get('stats/retention?start=2026-11-01')),
      createScoreDistributionHandler(broken)(get('stats/scores')),
      createUserSummaryHandler(broken)(get('users/u1', { userId: 'u1' })),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(503);
      expect(res.headers).toMatchObject({ 'retry-after': '5' });
    }
  });
});
