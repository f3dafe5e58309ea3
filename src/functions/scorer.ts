import type { InvocationContext } from '@azure/functions';

import { toArchivedEvent } from '../core/archive/archivedEvent.js';
import type { ScoredEvent } from '../core/event.js';
import { isErased } from '../core/privacy/deletion/dropErased.js';
import { unpackMessages } from '../core/queue/unpackMessages.js';
import { scoreEvent } from '../core/scoreEvent.js';
import { zoneClockFor } from '../core/time/zoneClockFor.js';
import type { DeadLetter } from '../ports/index.js';
import type { Deps } from '../wiring/deps.js';

export class NoModelError extends Error {
  constructor(detail: string) {
    super(`no valid model loaded (${detail}); messages stay queued`);
  }
}

/**
 * Service Bus trigger, cardinality many: a message is one event, or a request's events packed
 * together (src/core/queue/unpackMessages.ts). Unscorable events are recorded as dead letters and
 * completed so the rest of the batch is stored; the scorable events go to the raw
 * archive, then to the store. An archive or store failure throws, so the whole batch is redelivered
 * and written again idempotently.
 */
export function createScorerHandler(deps: Deps) {
  const clock = zoneClockFor(deps.config.TIMEZONE);
  return async function scorer(messages: unknown[], context: InvocationContext): Promise<void> {
    const champion = deps.models.champion();
    if (!champion) throw new NoModelError(deps.models.status().detail);
    const challenger = deps.models.challenger();
    const ids = metadataArray(context, 'messageIdArray');
    const properties = metadataArray(context, 'applicationPropertiesArray');
    const events = unpackMessages(
      messages,
      (i) => (typeof ids[i] === 'string' ? ids[i] : `${context.invocationId}:${i}`),
      (i) => {
        const p = properties[i];
        return p && typeof p === 'object' && 'traceparent' in p ? String(p.traceparent) : undefined;
      },
    );
    const traceparents = events.map((e) => e.traceparent);
    // The deletion ledger: a deleted person's events still queued (or redelivered) are dropped here,
    // before the archive and the store, so they never come back (README, "Privacy").
    const erased = await deps.deletions.erased.current();
    let erasedDropped = 0;

    const scoredAt = new Date(deps.now()).toISOString();
    const started = performance.now();
    const docs: ScoredEvent[] = [];
    const docIndexes: number[] = [];
    const dead: (DeadLetter & { index: number })[] = [];
    events.forEach(({ body, key }, i) => {
      if (erased.size > 0 && isErased(body, erased)) {
        erasedDropped += 1;
        return;
      }
      const outcome = scoreEvent(body, { champion, challenger }, scoredAt, clock.dayOf);
      if (outcome.kind === 'ok') {
        docs.push(outcome.value);
        docIndexes.push(i);
      } else
        dead.push({
          key,
          reason: outcome.reason,
          body,
          index: i,
        });
    });
    const scoringMs = performance.now() - started;
    if (erasedDropped > 0) {
      deps.telemetry.trackMetric('ErasedEventsDropped', erasedDropped);
      deps.logger.info('scorer: events of deleted persons dropped', { count: erasedDropped });
    }
    deps.telemetry.trackMetric('ScoringMs', scoringMs, { modelVersion: champion.version });

    if (dead.length > 0) {
      await deps.deadLetters.put(dead.map(({ index: _index, ...d }) => d));
      for (const d of dead) {
        deps.telemetry.trackEvent(
          'MessageDeadLettered',
          { reason: d.reason.split(':')[0] ?? d.reason, detail: d.reason, key: d.key },
          { traceparent: traceparents[d.index] },
        );
      }
      deps.logger.warn(
        `scorer: ${dead.length} message(s) dead-lettered, first: ${dead[0]?.reason}`,
      );
    }
    if (docs.length === 0) return;
    // The raw archive and the store are written side by side (gzip runs on the thread pool while
    // the store writes); the batch completes only when both succeeded, and either failure throws so
    // the whole batch is redelivered. So no event is completed without its raw copy; a redelivery
    // may archive one twice, which every reader dedupes by eventId.
    const archived = deps.archive.append(
      docs.map((doc, j) => toArchivedEvent(doc, traceparents[docIndexes[j]!])),
    );
    const writeStarted = performance.now();
    const [result] = await Promise.all([deps.store.write(docs), archived]);
    deps.telemetry.trackMetric('StoreWriteMs', performance.now() - writeStarted);
    deps.telemetry.trackMetric('ScorerLagMs', deps.now() - oldestReceipt(docs));
    deps.telemetry.trackMetric('StoreRequests', result.requests);
    deps.telemetry.trackMetric('StoredDocuments', result.written);
    if (result.throttled > 0) deps.telemetry.trackMetric('StoreThrottles', result.throttled);
    // One event per ingest request in the batch: metrics are aggregated per minute and carry no
    // operation id, so this is what ties the scored events to the POST that sent them.
    for (const [traceparent, count] of countBy(docIndexes.map((i) => traceparents[i]))) {
      deps.telemetry.trackEvent(
        'EventsScored',
        { count, modelVersion: champion.version },
        { traceparent },
      );
    }
  };
}

/** Epoch ms of the earliest receivedAt in the batch: scorer lag is measured from it. */
function oldestReceipt(docs: readonly ScoredEvent[]): number {
  let oldest = Infinity;
  for (const doc of docs) oldest = Math.min(oldest, Date.parse(doc.receivedAt));
  return oldest;
}

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

function metadataArray(context: InvocationContext, key: string): unknown[] {
  const value = context.triggerMetadata?.[key];
  return Array.isArray(value) ? value : [];
}
