import type { HttpResponseInit } from '@azure/functions';

import type { Deps } from '../deps.js';
import { json } from './respond.js';

const CHECK_TIMEOUT_MS = 3000;

type Check = { status: 'ok' | 'down'; detail?: string };

/** GET /api/health: 200 when queue, store and model are usable, else 503 naming what is down. */
export function createHealthHandler(deps: Deps) {
  return async function health(): Promise<HttpResponseInit> {
    const [queue, store] = await Promise.all([
      probe(() => deps.queue.check()),
      probe(() => deps.store.check()),
    ]);
    const modelStatus = deps.models.status();
    const champion = deps.models.champion();
    const model: Check = modelStatus.ok
      ? {
          status: 'ok',
          detail: champion ? `${champion.name}@${champion.version}` : modelStatus.detail,
        }
      : { status: 'down', detail: modelStatus.detail };
    const checks = { queue, store, model };
    // Open: the local host has no key yet and lets every request in (see README, "Access").
    const access = { mode: deps.access.isOpen() ? 'open' : 'keys' };
    const down = Object.entries(checks)
      .filter(([, c]) => c.status === 'down')
      .map(([name]) => name);
    return down.length === 0
      ? json(200, { status: 'ok', checks, access })
      : json(503, { status: 'down', down, checks, access });
  };
}

async function probe(check: () => Promise<void>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'ok' };
  } catch (err) {
    return { status: 'down', detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
