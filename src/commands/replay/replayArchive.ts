import type { ArchivedEvent } from '../../core/archive/archivedEvent.js';
import { type ArchiveChunk, readArchive } from '../../core/archive/readArchive.js';
import { MAX_BATCH_EVENTS } from '../../core/event.js';
import { dropErased } from '../../core/privacy/deletion/dropErased.js';
import type { EventArchive, EventQueue, Scorer, ScoreStore } from '../../ports/index.js';

export interface ArchiveRunOptions {
  from: string;
  to: string;
  /** Resume after this archive object (from a saved position). */
  after?: string;
  /** Called after each object is fully handled: save the position, move the bar. */
  onChunk?: (chunk: ArchiveChunk, totals: ArchiveRunTotals) => void;
  /** The deletion ledger (fingerprint → cut-off): the events it erases are skipped, never re-sent. */
  erased?: ReadonlyMap<string, string>;
}

export interface ArchiveRunTotals {
  objects: number;
  events: number;
  invalid: number;
  /** Events skipped because the deletion ledger erases them. */
  erased: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOverArchive(
  archive: EventArchive,
  options: ArchiveRunOptions,
  handle: (events: ArchivedEvent[]) => Promise<void>,
): Promise<ArchiveRunTotals> {
  const totals: ArchiveRunTotals = { objects: 0, events: 0, invalid: 0, erased: 0 };
  for await (const chunk of readArchive(archive, options)) {
    const { kept, dropped } = dropErased(chunk.events, options.erased ?? new Map());
    totals.erased += dropped;
    for (let i = 0; i < kept.length; i += MAX_BATCH_EVENTS)
      await handle(kept.slice(i, i + MAX_BATCH_EVENTS));
    totals.objects++;
    totals.events += chunk.events.length;
    totals.invalid += chunk.invalid;
    options.onChunk?.(chunk, totals);
  }
  return totals;
}

/**
 * Re-sends archived events through the queue, deduplicated by eventId. The scorer's store write
 * keeps the first document of an eventId, so this rebuilds a lost store and leaves an intact one
 * as it was. A refused send is retried after its Retry-After, then the run stops (resumable).
 */
export function replayArchive(
  archive: EventArchive,
  queue: EventQueue,
  options: ArchiveRunOptions & { maxAttempts?: number },
): Promise<ArchiveRunTotals> {
  const maxAttempts = options.maxAttempts ?? 5;
  return runOverArchive(archive, options, async (events) => {
    // One send per trace, so the scorer's telemetry still ties each event to its ingest request.
    const byTrace = new Map<string | undefined, ArchivedEvent[]>();
    for (const event of events) {
      const group = byTrace.get(event.traceparent) ?? [];
      group.push(event);
      byTrace.set(event.traceparent, group);
    }
    for (const [traceparent, group] of byTrace) {
      const accepted = group.map(({ traceparent: _t, ...event }) => event);
      for (let attempt = 1; ; attempt++) {
        const result = await queue.send(accepted, traceparent ? { traceparent } : {});
        if (result.ok) break;
        if (attempt >= maxAttempts)
          throw new Error(`the queue refused the events ${attempt} times: ${result.reason}`);
        await sleep(result.retryAfterSeconds * 1000);
      }
    }
  });
}

export interface RescoreTotals extends ArchiveRunTotals {
  updated: number;
  /** Archived events with no stored document (dead-lettered, or not scored yet). */
  missing: number;
  /** Events the model gave a non-finite score, left without one. */
  unscorable: number;
}

/**
 * Scores archived events with `model` and adds the score beside each stored document's first one
 * (`rescores["<name>@<version>"]`); the store's addScores is idempotent, so a re-run or a resumed
 * run changes nothing already done.
 */
export async function rescoreArchive(
  archive: EventArchive,
  store: ScoreStore,
  model: Scorer,
  options: ArchiveRunOptions,
): Promise<RescoreTotals> {
  let updated = 0;
  let missing = 0;
  let unscorable = 0;
  const totals = await runOverArchive(archive, options, async (events) => {
    const items = [];
    for (const event of events) {
      const { score } = model.score(event);
      if (!Number.isFinite(score)) unscorable++;
      else
        items.push({
          eventId: event.eventId,
          userId: event.userId,
          name: model.name,
          version: model.version,
          score,
        });
    }
    const result = await store.addScores(items);
    updated += result.updated;
    missing += result.missing;
  });
  return { ...totals, updated, missing, unscorable };
}
