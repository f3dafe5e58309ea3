import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/config.js';
import { createScorerHandler } from '../../../src/functions/scorer.js';
import { createTrendsHandler } from '../../../src/functions/stats/trends.js';
import { scoredEvent } from '../../adapters/storeContract.js';
import { testDeps } from '../../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;

const get = (query: string) =>
  new HttpRequest({ method: 'GET', url: `http://localhost/api/stats/trends?${query}` });

describe('GET /api/stats/trends', () => {
  it.each([
    ['interval=hour', 'interval', /day, week or month/],
    ['measure=sessions', 'measure', /events or users/],
    ['from=2026-02-30', 'from', /calendar day/],
    ['from=2026-03-05&to=2026-03-01', 'from', /after to/],
    ['from=2025-01-01&to=2026-01-02', 'to', /at most 366 days/],
    ['interval=week&from=2023-01-01&to=2026-01-10', 'to', /at most 1096 days/],
    ['events=a,b c', 'events', /comma list of event types/],
    [`events=${Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')}`, 'events', /at most 20/],
  ])('%s answers 400 naming %s', async (query, param, rule) => {
    const res = await createTrendsHandler(testDeps())(get(query));
    expect(res.status).toBe(400);
    const body = res.jsonBody as {
      error: { code: string; errors: { path: string; message: string }[] };
    };
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.errors[0]?.path).toBe(param);
    expect(body.error.errors[0]?.message).toMatch(rule);
  });

  it('gives every interval of every type asked, zeros included, events and users', async () => {
    const deps = testDeps();
    await deps.store.write([
      scoredEvent('u1', '2026-03-02T10:00:00.000Z', { type: 'view' }),
      scoredEvent('u1', '2026-03-02T11:00:00.000Z', { type: 'view' }),
      scoredEvent('u2', '2026-03-04T11:00:00.000Z', { type: 'view' }),
      scoredEvent('u2', '2026-03-10T11:00:00.000Z', { type: 'buy' }),
    ]);
    const handler = createTrendsHandler(deps);
    const events = await handler(get('events=view,buy,none&from=2026-03-01&to=2026-03-04'));
    expect(events.jsonBody).toEqual({
      from: '2026-03-01',
      to: '2026-03-04',
      interval: 'day',
      measure: 'events',
      timezone: 'UTC',
      series: [
        {
          type: 'view',
          points: [
            { start: '2026-03-01', value: 0 },
            { start: '2026-03-02', value: 2 },
            { start: '2026-03-03', value: 0 },
            { start: '2026-03-04', value: 1 },
          ],
        },
        {
          type: 'buy',
          points: ['01', '02', '03', '04'].map((d) => ({ start: `2026-03-${d}`, value: 0 })),
        },
        {
          type: 'none',
          points: ['01', '02', '03', '04'].map((d) => ({ start: `2026-03-${d}`, value: 0 })),
        },
      ],
    });
    // Calendar weeks from Monday: the week of 2026-03-01 (a Sunday) starts on 2026-02-23.
    const weeks = await handler(
      get('events=view&from=2026-03-01&to=2026-03-10&interval=week&measure=users'),
    );
    expect((weeks.jsonBody as { series: unknown[] }).series).toEqual([
      {
        type: 'view',
        points: [
          { start: '2026-02-23', value: 0 },
          { start: '2026-03-02', value: 2 },
          { start: '2026-03-09', value: 0 },
        ],
      },
    ]);
    const months = await handler(
      get('events=view,buy&from=2026-03-01&to=2026-03-31&interval=month&measure=users'),
    );
    expect((months.jsonBody as { series: unknown[] }).series).toEqual([
      { type: 'view', points: [{ start: '2026-03-01', value: 2 }] },
      { type: 'buy', points: [{ start: '2026-03-01', value: 1 }] },
    ]);
  });

  it('without events, shows the 5 most frequent types of the range', async () => {
    const deps = testDeps();
    const types = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    await deps.store.write(
      types.flatMap((type, i) =>
        Array.from({ length: 10 - i }, (_, k) =>
          scoredEvent(`u${k}`, `2026-03-02T0${k % 10}:00:00.000Z`, { type }),
        ),
      ),
    );
    const res = await createTrendsHandler(deps)(get('from=2026-03-01&to=2026-03-03'));
    const body = res.jsonBody as { series: { type: string; points: { value: number }[] }[] };
    expect(body.series.map((s) => s.type)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(body.series.map((s) => s.points[1]!.value)).toEqual([10, 9, 8, 7, 6]);
  });

  it('counts the day of each event in TIMEZONE, from the scorer on', async () => {
    const loaded = loadConfig({ TIMEZONE: 'America/Los_Angeles' }, 'local');
    if (!loaded.ok) throw new Error(loaded.message);
    const deps = { ...testDeps(), config: loaded.config };
    // 03:00 UTC on 2026-03-02 is the evening of 2026-03-01 in Los Angeles.
    await createScorerHandler(deps)(
      [
        {
          eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
          userId: 'u1',
          type: 'view',
          occurredAt: '2026-03-02T03:00:00.000Z',
          receivedAt: '2026-03-02T03:00:00.000Z',
        },
      ],
      new InvocationContext({ functionName: 'scorer' }),
    );
    const res = await createTrendsHandler(deps)(get('events=view&from=2026-03-01&to=2026-03-02'));
    expect(res.jsonBody).toMatchObject({
      timezone: 'America/Los_Angeles',
      series: [
        {
          type: 'view',
          points: [
            { start: '2026-03-01', value: 1 },
            { start: '2026-03-02', value: 0 },
          ],
        },
      ],
    });
  });
});
