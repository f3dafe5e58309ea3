import { randomBytes } from 'node:crypto';

import { createKeyAccess } from '../../src/adapters/access/createKeyAccess.js';
import { createMemoryRateLimiter } from '../../src/adapters/access/memoryRateLimiter.js';
import { createSqliteKeyStore } from '../../src/adapters/sqlite/sqliteKeyStore.js';
import { createKey } from '../../src/core/access/manageKeys.js';
import { noTelemetry } from '../../src/ports.js';

/**
 * The key check alone, in process: authenticate a Bearer key (cache hit) and take 100 tokens, the
 * work bindHttpFunction and ingest add to a request of 100 events. Median µs per request of 5 rounds.
 */
export async function benchKeyCheck(requests = 100_000): Promise<number> {
  const store = createSqliteKeyStore(':memory:');
  const created = await createKey(
    { store, now: Date.now, randomBytes },
    { scope: 'write', name: 'bench' },
  );
  if (!created.ok) throw new Error(created.message);
  const unlimited = { ratePerSecond: 1e12, burst: 1e12 };
  const access = await createKeyAccess({
    store,
    limiter: createMemoryRateLimiter(),
    require: 'always',
    cacheSeconds: 30,
    limits: { write: unlimited, read: unlimited, admin: unlimited },
    now: Date.now,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    telemetry: noTelemetry,
  });
  const headers = new Headers({ authorization: `Bearer ${created.value.key}` });
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < requests; i++) {
      const auth = await access.authenticate(headers, 'write');
      if (!auth.ok) throw new Error(auth.message);
      const limit = await access.take(auth.caller, 100);
      if (!limit.ok) throw new Error('limited');
    }
    rounds.push(((performance.now() - started) * 1000) / requests);
  }
  await store.close();
  return rounds.sort((a, b) => a - b)[2]!;
}
