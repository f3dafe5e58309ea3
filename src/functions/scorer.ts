import type { InvocationContext } from '@azure/functions';
import type { ScoredEvent } from '../core/event.js';
import { scoreEvent } from '../core/scoreEvent.js';
import type { Deps } from '../deps.js';
import type { DeadLetter } from '../ports.js';

export class NoModelError extends Error {
  constructor(detail: string) {
    super(`no valid model loaded (${detail}); messages stay queued`);
  }
}

/**
 * Service Bus trigger, cardinality many: one message per event. Unscorable messages are recorded as
 * dead letters and completed so the rest of the batch is stored; a store failure throws, so the whole
 * batch is redelivered and written again idempotently.
 */
export function createScorerHandler(deps: Deps) {
  return async function scorer(messages: unknown[], context: InvocationContext): Promise<void> {
    const champion = deps.models.champion();
    if (!champion) throw new NoModelError(deps.models.status().detail);
    const challenger = deps.models.challenger();
    const ids = metadataArray(context, 'messageIdArray');
    const traceparents = metadataArray(context, 'applicationPropertiesArray').map((p) =>
      p && typeof p === 'object' && 'traceparent' in p ? String(p.traceparent) : undefined,
    );

    const scoredAt = new Date(deps.now()).toISOString();
    const started = performance.now();
    const docs: ScoredEvent[] = [];
    const dead: DeadLetter[] = [];
    messages.forEach((body, i) => {
      const outcome = scoreEvent(body, { champion, challenger }, scoredAt);
      if (outcome.kind === 'ok') docs.push(outcome.value);
      else
        dead.push({
          key: typeof ids[i] === 'string' ? ids[i] : `${context.invocationId}:${i}`,
          reason: outcome.reason,
          body,
        });
    });
    const scoringMs = performance.now() - started;
    deps.telemetry.trackMetric(
      'ScoringMs',
      scoringMs,
      { modelVersion: champion.version, events: docs.length },
      { traceparent: traceparents[0] },
    );

    if (dead.length > 0) {
      await deps.deadLetters.put(dead);
      for (const d of dead) {
        deps.telemetry.trackEvent('MessageDeadLettered', {
          reason: d.reason.split(':')[0] ?? d.reason,
          key: d.key,
        });
      }
      deps.logger.warn(
        `scorer: ${dead.length} message(s) dead-lettered, first: ${dead[0]?.reason}`,
      );
    }
    if (docs.length === 0) return;
    const writeStarted = performance.now();
    const result = await deps.store.write(docs);
    deps.telemetry.trackMetric('StoreWriteMs', performance.now() - writeStarted, {
      documents: docs.length,
      requests: result.requests,
    });
    if (result.throttled > 0) deps.telemetry.trackMetric('StoreThrottles', result.throttled);
  };
}

function metadataArray(context: InvocationContext, key: string): unknown[] {
  const value = context.triggerMetadata?.[key];
  return Array.isArray(value) ? value : [];
}
