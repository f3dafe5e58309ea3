import { randomBytes, randomUUID } from 'node:crypto';

import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { createKeyAccess } from '../../src/adapters/access/createKeyAccess.js';
import { createMemoryRateLimiter } from '../../src/adapters/access/memoryRateLimiter.js';
import { createSqliteKeyStore } from '../../src/adapters/sqlite/sqliteKeyStore.js';
import { functionTable, type HttpFunction } from '../../src/app.js';
import { createKey } from '../../src/core/access/manageKeys.js';
import { bindHttpFunction } from '../../src/functions/bindHttpFunction.js';
import { testDeps } from '../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;
const ingest = functionTable.find((f) => f.name === 'ingest') as HttpFunction;

async function setup() {
  const deps = testDeps();
  const store = createSqliteKeyStore(':memory:');
  const made = await createKey(
    { store, now: Date.now, randomBytes },
    { scope: 'write', name: 'ios-app', ratePerSecond: 0.001, burst: 1000 },
  );
  if (!made.ok) throw new Error(made.message);
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  deps.access = await createKeyAccess({
    store,
    limiter: createMemoryRateLimiter(),
    require: 'always',
    cacheSeconds: 30,
    limits: {
      write: { ratePerSecond: 1, burst: 1000 },
      read: { ratePerSecond: 1, burst: 1 },
      admin: { ratePerSecond: 1, burst: 1 },
    },
    now: Date.now,
    logger: silent,
    telemetry: deps.telemetry,
  });
  const handler = bindHttpFunction(ingest, deps);
  const call = (events: unknown[]) =>
    handler(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/api/events',
        headers: { 'content-type': 'application/json', 'x-api-key': made.value.key },
        body: { string: JSON.stringify({ events }) },
      }),
      new InvocationContext(),
    );
  return { deps, call };
}

const valid = (n: number) =>
  Array.from({ length: n }, () => ({ eventId: randomUUID(), userId: 'u1', type: 'click' }));

describe('ingest with a key', () => {
  it('costs one token per accepted event; rejected events cost nothing', async () => {
    const { call } = await setup();
    const res = await call([...valid(600), { userId: 'bad user', type: 'click' }]);
    expect(res.status).toBe(202);
    expect(new Headers(res.headers).get('ratelimit')).toBe('"write";r=400;t=600000');
  });

  it('refuses the whole batch when the bucket cannot hold it, sending nothing to the queue', async () => {
    const { deps, call } = await setup();
    expect((await call(valid(700))).status).toBe(202);
    const res = await call(valid(301));
    expect(res.status).toBe(429);
    expect(new Headers(res.headers).get('retry-after')).toMatch(/^\d+$/);
    expect(deps.recorded.sent).toHaveLength(1);
    expect(deps.recorded.sent[0]!.events.every((e) => e.source === 'ios-app')).toBe(true);
    expect((await call(valid(300))).status).toBe(202);
  });
});
