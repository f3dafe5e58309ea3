import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, startTestHost } from '../support/localHost.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;

describe('analytics routes on the local host', () => {
  let host: Host;
  const today = new Date().toISOString().slice(0, 10);
  const get = async (path: string) => {
    const res = await fetch(`${host.url}/${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  it('answers every analytics route from what the scorer stored, a re-POST changing nothing', async () => {
    const events = Array.from({ length: 6 }, (_, i) => ({
      eventId: randomUUID(),
      userId: `analyst-${i % 2}`,
      type: i < 4 ? 'page_view' : 'purchase',
      // Minutes ago, but never before today's midnight (the checks below are about today).
      occurredAt: new Date(
        Math.max(Date.now() - (i + 1) * 60_000, Date.parse(`${today}T00:00:00Z`) + i * 1000),
      ).toISOString(),
    }));
    for (let round = 0; round < 2; round += 1) {
      const res = await fetch(`${host.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      expect(res.status).toBeLessThan(300);
    }
    const top = await eventually(async () => {
      const res = await get('api/stats/top-events');
      return res.body.total === 6 ? res : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await get('api/stats/top-events')).body).toEqual({
      ...top.body,
      items: [
        { type: 'page_view', events: 4 },
        { type: 'purchase', events: 2 },
      ],
    });
    const retention = await get(`api/stats/retention?start=${today}&cohorts=1&windows=1`);
    expect(retention.body.cohorts).toEqual([
      { cohort: today, size: 2, retained: [2, 0], incomplete: [true, true] },
    ]);
    const scores = await get('api/stats/scores');
    expect(scores).toMatchObject({ status: 200, body: { count: 6 } });
    const user = await get('api/users/analyst-0');
    expect(user).toMatchObject({
      status: 200,
      body: { userId: 'analyst-0', events: 3, activeDays: 1 },
    });
    expect((await get('api/users/nobody')).status).toBe(404);
    expect((await get('api/stats/retention?start=soon')).status).toBe(400);
  });
});
