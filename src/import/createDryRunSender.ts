import { randomUUID } from 'node:crypto';

import { validateEvents } from '../core/validateEvents.js';
import type { BatchSender } from './batchSender.js';

/** --dry-run: the API's own validation (validateEvents) on this machine, nothing sent. */
export function createDryRunSender(now: () => number = Date.now): BatchSender {
  return async function check(body) {
    const validation = validateEvents(JSON.parse(body), {
      now: now(),
      newId: () => randomUUID(),
      bodyBytes: Buffer.byteLength(body),
    });
    if (validation.kind === 'events') return { kind: 'results', results: validation.results };
    return { kind: 'fatal', reason: `invalid batch: ${validation.errors[0]?.message}` };
  };
}
