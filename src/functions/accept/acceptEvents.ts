import type { Caller } from '../../core/access/scope.js';
import type { AcceptedEvent } from '../../core/event.js';
import type { Deps } from '../../wiring/deps.js';

export type QueueOutcome =
  | { kind: 'queued'; headers: Record<string, string> }
  | { kind: 'limited'; retryAfterSeconds: number; headers: Record<string, string> }
  | { kind: 'unavailable'; retryAfterSeconds: number; headers: Record<string, string> };

/**
 * The accept step of every ingest route (`POST /api/events`, Segment, PostHog): take one token per
 * event from the caller's bucket, all or none, then hand the events to the queue. "Accepted" means
 * the queue took them; on a refusal nothing was accepted and the client retries the whole request.
 */
export async function acceptEvents(
  deps: Pick<Deps, 'access' | 'queue' | 'logger' | 'telemetry'>,
  caller: Caller,
  events: readonly AcceptedEvent[],
  options: { label: string; traceparent?: string },
): Promise<QueueOutcome> {
  if (events.length === 0) return { kind: 'queued', headers: {} };
  const limit = await deps.access.take(caller, events.length);
  if (!limit.ok) return { kind: 'limited', ...limit };
  const { traceparent } = options;
  const started = performance.now();
  const sent = await deps.queue.send(events, { traceparent });
  deps.telemetry.trackMetric(
    'QueueSendMs',
    performance.now() - started,
    { ok: sent.ok },
    { traceparent },
  );
  if (!sent.ok) {
    deps.logger.warn(
      `${options.label}: queue unavailable, ${events.length} events refused: ${sent.reason}`,
    );
    return {
      kind: 'unavailable',
      retryAfterSeconds: sent.retryAfterSeconds,
      headers: limit.headers,
    };
  }
  return { kind: 'queued', headers: limit.headers };
}
