import { randomUUID } from 'node:crypto';

import type { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { functionTable } from '../../src/functionTable.js';
import { isTimerFunction } from '../../src/functionTypes.js';
import { eventually, startTestHost } from '../support/localHost.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;

describe('POST /api/sql on the local host', () => {
  let host: Host;
  const compaction = functionTable.filter(isTimerFunction).find((f) => f.name === 'compaction')!;
  const sql = (body: unknown) =>
    fetch(`${host.url}/api/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  it('answers from the files the compaction timer wrote, a re-POST adding no row', async () => {
    const events = Array.from({ length: 5 }, (_, i) => ({
      eventId: randomUUID(),
      userId: `sql-${i % 2}`,
      type: i < 3 ? 'page_view' : 'purchase',
      amount: i,
      occurredAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
    }));
    for (let round = 0; round < 2; round += 1) {
      const res = await fetch(`${host.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      expect(res.status).toBeLessThan(300);
    }
    await eventually(async () => {
      const res = await fetch(`${host.url}/api/stats/top-events`);
      return ((await res.json()) as { total: number }).total === 5 ? true : undefined;
    });
    await compaction.create(host.deps)({}, { invocationId: 'test' } as InvocationContext);

    const res = await sql({
      query:
        'SELECT type, count(*) AS n, sum(amount) AS amount FROM events GROUP BY type ORDER BY type',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      columns: [
        { name: 'type', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
        { name: 'amount', type: 'DOUBLE' },
      ],
      rows: [
        ['page_view', 3, 3],
        ['purchase', 2, 7],
      ],
    });

    const metrics = await (await fetch(`${host.url}/api/metrics`)).text();
    expect(metrics).toMatch(/^sql_compaction_lag_seconds 0$/m);
  });

  it('needs a read key and costs one request of its bucket', () => {
    const entry = functionTable.find((f) => f.name === 'sql');
    expect(entry && 'access' in entry && entry.access).toEqual({ scope: 'read', cost: 'request' });
  });

  it.each([
    ['not JSON', '{', 400, 'invalid_json'],
    ['no query', {}, 400, 'invalid_parameter'],
    ['an unknown field', { query: 'SELECT 1', limit: 5 }, 400, 'invalid_parameter'],
    ['a bad day', { query: 'SELECT 1', from: '2026-02-30' }, 400, 'invalid_parameter'],
    [
      'from after to',
      { query: 'SELECT 1', from: '2026-03-02', to: '2026-03-01' },
      400,
      'invalid_parameter',
    ],
    ['ATTACH', { query: "ATTACH '/tmp/x.db'" }, 400, 'not_select'],
    [
      'another file',
      { query: "SELECT * FROM read_csv('/etc/passwd')" },
      400,
      'function_not_allowed',
    ],
  ])('answers %s with a 4xx in the one error shape', async (_name, body, status, code) => {
    const res = await sql(body);
    expect(res.status).toBe(status);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe(code);
    expect(answer.error.message.length).toBeGreaterThan(0);
  });
});
