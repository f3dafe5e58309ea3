import type { Caller } from '../../core/access/scope.js';
import type { MappedMessage } from '../../core/compat/mappedMessage.js';
import { type AcceptedEvent, type FieldError, MAX_BATCH_EVENTS } from '../../core/event.js';
import { validateEvents } from '../../core/validateEvents.js';
import type { Deps } from '../../deps.js';

export type Protocol = 'segment' | 'posthog';

export interface Rejection {
  index: number;
  messageId: string | null;
  errors: FieldError[];
}

export type AcceptOutcome =
  | {
      kind: 'accepted';
      accepted: number;
      duplicates: number;
      rejected: Rejection[];
      headers: Record<string, string>;
    }
  | { kind: 'limited'; retryAfterSeconds: number; headers: Record<string, string> }
  | { kind: 'unavailable'; retryAfterSeconds: number };

/**
 * The step both protocols share (and ingest could): validate the mapped events, take their count from
 * the caller's bucket (all or none), hand them to the queue, set rejected messages aside with their
 * reasons, count and log the rejections. `raws[i]` is the message `mapped[i]` came from.
 */
export async function acceptMessages(
  deps: Deps,
  caller: Caller,
  mapped: readonly MappedMessage[],
  raws: readonly unknown[],
  options: { now: number; protocol: Protocol; traceparent?: string },
): Promise<AcceptOutcome> {
  const rejected: Rejection[] = [];
  const candidates: { index: number; messageId: string | null; event: unknown }[] = [];
  mapped.forEach((m, index) => {
    if (m.ok) candidates.push({ index, messageId: m.messageId, event: m.event });
    else rejected.push({ index, messageId: m.messageId, errors: m.errors });
  });

  const accepted: AcceptedEvent[] = [];
  let duplicates = 0;
  const source = caller.scope === 'open' ? undefined : caller.name;
  // validateEvents takes at most MAX_BATCH_EVENTS; a Segment batch of small messages can hold more.
  for (let start = 0; start < candidates.length; start += MAX_BATCH_EVENTS) {
    const chunk = candidates.slice(start, start + MAX_BATCH_EVENTS);
    const validation = validateEvents(
      { events: chunk.map((c) => c.event) },
      // Every mapped event has its eventId; bodyBytes 0 skips the size check the handler already made.
      { now: options.now, newId: () => deps.newId(), source, bodyBytes: 0 },
    );
    if (validation.kind === 'invalidBody') throw new Error('mapped events form an invalid batch');
    accepted.push(...validation.accepted);
    for (const result of validation.results) {
      const candidate = chunk[result.index]!;
      if (result.status === 'duplicate') duplicates++;
      if (result.status === 'rejected') {
        rejected.push({
          index: candidate.index,
          messageId: candidate.messageId,
          errors: result.errors ?? [],
        });
      }
    }
  }
  rejected.sort((a, b) => a.index - b.index);

  let headers: Record<string, string> = {};
  if (accepted.length > 0) {
    const limit = await deps.access.take(caller, accepted.length);
    if (!limit.ok)
      return {
        kind: 'limited',
        retryAfterSeconds: limit.retryAfterSeconds,
        headers: limit.headers,
      };
    headers = limit.headers;
    const sent = await deps.queue.send(accepted, { traceparent: options.traceparent });
    if (!sent.ok) {
      deps.logger.warn(
        `${options.protocol}: queue unavailable, ${accepted.length} events refused: ${sent.reason}`,
      );
      return { kind: 'unavailable', retryAfterSeconds: sent.retryAfterSeconds };
    }
  }
  if (rejected.length > 0) {
    // Set aside after the send: a retry after a failed put re-sends events the store already dedupes.
    try {
      await deps.deadLetters.put(
        rejected.map((r) => ({
          key: `compat:${options.protocol}:${r.messageId ?? `index-${r.index}`}`,
          reason: `${r.errors[0]?.path}: ${r.errors[0]?.message}`,
          body: {
            protocol: options.protocol,
            keyId: caller.keyId,
            message: storable(withoutSecrets(raws[r.index])),
            errors: r.errors,
          },
        })),
      );
    } catch (err) {
      deps.logger.warn(
        `${options.protocol}: could not set rejected messages aside: ${(err as Error).message}`,
      );
      return { kind: 'unavailable', retryAfterSeconds: 5 };
    }
    const first = rejected[0]!;
    deps.logger.warn(
      `${options.protocol}: ${rejected.length} of ${mapped.length} messages rejected, first #${first.index}: ${first.errors[0]?.path}: ${first.errors[0]?.message}`,
    );
  }
  deps.telemetry.trackMetric('CompatRejected', rejected.length, { protocol: options.protocol });
  deps.telemetry.trackMetric(
    'CompatAccepted',
    accepted.length,
    { protocol: options.protocol },
    {
      traceparent: options.traceparent,
    },
  );
  return { kind: 'accepted', accepted: accepted.length, duplicates, rejected, headers };
}

/** A rejected message as set aside: without the write key some single-message bodies carry. */
/** A message nested too deeply for JSON.stringify (which recurses) is kept as a note instead. */
function storable(raw: unknown): unknown {
  try {
    JSON.stringify(raw);
    return raw;
  } catch {
    return { unstorable: 'the message is nested too deeply to keep' };
  }
}

function withoutSecrets(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const { writeKey: _w, api_key: _a, token: _t, ...rest } = raw as Record<string, unknown>;
  const props = rest.properties;
  if (typeof props === 'object' && props !== null && !Array.isArray(props)) {
    const { token: _pt, $token: _pd, ...kept } = props as Record<string, unknown>;
    rest.properties = kept;
  }
  return rest;
}
