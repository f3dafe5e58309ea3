import type { EventQueue } from '../../src/ports/index.js';

/**
 * Makes the host's queue refuse the next `count` sends (as a Service Bus outage would), then
 * behave again: the handlers read `deps.queue` at each call, so the swap takes effect at once.
 * Returns how many sends were refused so far.
 */
export function failNextSends(deps: { queue: EventQueue }, count = 1): () => number {
  const real = deps.queue;
  let refused = 0;
  const failing: EventQueue = Object.assign(Object.create(real) as EventQueue, {
    send: async (...args: Parameters<EventQueue['send']>) => {
      if (refused < count) {
        refused++;
        if (refused === count) deps.queue = real;
        return { ok: false as const, reason: 'test: queue down', retryAfterSeconds: 1 };
      }
      return real.send(...args);
    },
  });
  deps.queue = failing;
  return () => refused;
}
