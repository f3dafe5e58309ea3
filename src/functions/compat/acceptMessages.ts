import type { Caller } from '../../core/access/scope.js';
import { derivedEventId } from '../../core/compat/compatEventId.js';
import type { MappedMessage } from '../../core/compat/mappedMessage.js';
import {
  type AcceptedEvent,
  type FieldError,
  MAX_BATCH_EVENTS,
  MAX_JSON_DEPTH,
} from '../../core/event.js';
import { nestsDeeperThan } from '../../core/jsonDepth.js';
import { suppressEvents } from '../../core/privacy/suppressEvents.js';
import { validateEvents } from '../../core/validateEvents.js';
import type { Deps } from '../../wiring/deps.js';
import { acceptEvents } from '../accept/acceptEvents.js';

export type Protocol = 'segment' | 'posthog';

/** Rejected messages set aside per request, at most (the answer lists them all). */
export const MAX_SET_ASIDE = 100;

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
  | { kind: 'unavailable'; retryAfterSeconds: number; headers: Record<string, string> };

/**
 * The step both protocols share: validate the mapped events, accept them as ingest does
 * (acceptEvents: their count from the caller's bucket, all or none, then the queue), set rejected messages aside with their
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
  let suppressed;
  try {
    suppressed = await deps.privacy.list.current();
  } catch (err) {
    deps.logger.warn(
      `${options.protocol}: suppression list unavailable: ${(err as Error).message}`,
    );
    return { kind: 'unavailable', retryAfterSeconds: 5, headers: {} };
  }
  // A suppressed user's message is refused but never set aside: nothing of theirs is kept.
  const notKept = new Set<number>();
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
    const checked = suppressEvents(validation.accepted, validation.results, suppressed);
    accepted.push(...checked.accepted);
    for (const result of checked.results) {
      const candidate = chunk[result.index]!;
      if (result.status === 'duplicate') duplicates++;
      if (result.status === 'rejected') {
        rejected.push({
          index: candidate.index,
          messageId: candidate.messageId,
          errors: result.errors ?? [],
        });
        if (result.errors?.[0]?.code === 'suppressed') notKept.add(candidate.index);
      }
    }
  }
  rejected.sort((a, b) => a.index - b.index);

  const queued = await acceptEvents(deps, caller, accepted, {
    label: options.protocol,
    traceparent: options.traceparent,
  });
  if (queued.kind !== 'queued') return queued;
  const headers = queued.headers;
  if (rejected.length > 0) {
    // Set aside after the send: a retry after a failed put re-sends events the store already dedupes.
    // A put that fails costs the copies, never the answer: the rejections are listed in it anyway.
    // At most MAX_SET_ASIDE copies a request: a batch of 20,000 empty messages must not cost 20,000
    // writes (each a Cosmos DB request). Every rejection is still listed in the answer and counted.
    const keepable = rejected.filter((r) => !notKept.has(r.index));
    const kept = keepable.slice(0, MAX_SET_ASIDE);
    if (kept.length < keepable.length) {
      deps.logger.warn(
        `${options.protocol}: ${keepable.length - kept.length} more rejected messages not set aside (at most ${MAX_SET_ASIDE} a request)`,
      );
    }
    try {
      if (kept.length > 0)
        await deps.deadLetters.put(
          kept.map((r) => ({
            key: setAsideKey(options.protocol, caller.keyId, r, deps.newId),
            reason: `${r.errors[0]?.path}: ${r.errors[0]?.message}`,
            body: {
              protocol: options.protocol,
              keyId: caller.keyId,
              message: setAsideMessage(raws[r.index]),
              errors: r.errors,
            },
          })),
        );
    } catch (err) {
      deps.logger.warn(
        `${options.protocol}: could not set ${rejected.length} rejected messages aside: ${(err as Error).message}`,
      );
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

/**
 * The dead letter's key: a derived UUID for a message with an id (a redelivery overwrites its copy),
 * a fresh one otherwise. Client ids may hold `/`, `#`, `?` or `\`, which a Cosmos DB id cannot.
 */
function setAsideKey(protocol: Protocol, keyId: string, r: Rejection, newId: () => string): string {
  return `compat:${protocol}:${r.messageId !== null ? derivedEventId(keyId, r.messageId) : newId()}`;
}

/** Past this nesting a copy is not kept: serialising it could overflow the stack (it is refused anyway). */
const SET_ASIDE_MAX_DEPTH = 2 * MAX_JSON_DEPTH;

/**
 * A rejected message as set aside: without the write key some single-message bodies carry, and in
 * place of a message nested too deep to serialise, a note saying so and its top-level keys.
 */
function setAsideMessage(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return nestsDeeperThan(raw, SET_ASIDE_MAX_DEPTH)
      ? { omitted: `nested deeper than ${SET_ASIDE_MAX_DEPTH} levels` }
      : raw;
  }
  const { writeKey: _w, api_key: _a, token: _t, ...rest } = raw as Record<string, unknown>;
  const props = rest.properties;
  if (typeof props === 'object' && props !== null && !Array.isArray(props)) {
    const { token: _pt, $token: _pd, ...kept } = props as Record<string, unknown>;
    rest.properties = kept;
  }
  if (nestsDeeperThan(rest, SET_ASIDE_MAX_DEPTH)) {
    return {
      omitted: `nested deeper than ${SET_ASIDE_MAX_DEPTH} levels`,
      keys: Object.keys(rest).slice(0, 100),
    };
  }
  return rest;
}
