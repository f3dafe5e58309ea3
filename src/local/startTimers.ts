import type { InvocationContext } from '@azure/functions';

import type { TimerFunction } from '../functionTypes.js';
import type { Deps } from '../wiring/deps.js';

export interface Timers {
  /** Runs every timer once now, waiting for runs under way first (tests, the bench). */
  runAll(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local host's scheduler for the table's timer functions: each runs `everyMinutes` apart (and
 * once shortly after start), never twice at once; a failed run is logged and the next one tries again.
 */
export function startTimers(
  timers: readonly TimerFunction[],
  deps: Deps,
  options: { firstRunMs?: number } = {},
): Timers {
  const running = new Map<string, Promise<void>>();
  const handlers = timers.map((t) => ({ definition: t, handler: t.create(deps) }));
  const run = (entry: (typeof handlers)[number]): Promise<void> => {
    const under = running.get(entry.definition.name);
    if (under) return under;
    const context = { invocationId: deps.newId() } as InvocationContext;
    const started = entry
      .handler({ isPastDue: false }, context)
      .catch((err: unknown) =>
        deps.logger.warn(`${entry.definition.name} failed: ${(err as Error).message}`),
      )
      .finally(() => running.delete(entry.definition.name));
    running.set(entry.definition.name, started);
    return started;
  };
  const intervals = handlers.map((entry) =>
    setInterval(() => void run(entry), entry.definition.trigger.everyMinutes * 60_000),
  );
  const first = setTimeout(
    () => handlers.forEach((entry) => void run(entry)),
    options.firstRunMs ?? 10_000,
  );
  for (const timer of [...intervals, first]) timer.unref();
  return {
    async runAll() {
      await Promise.all([...running.values()]);
      await Promise.all(handlers.map(run));
    },
    async stop() {
      clearTimeout(first);
      intervals.forEach(clearInterval);
      await Promise.all([...running.values()]);
    },
  };
}
