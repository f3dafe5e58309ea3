import type {
  AuditLog,
  DeadLetterSink,
  DeletionLedger,
  DeletionRequest,
  DeletionStep,
  EventArchive,
  Logger,
  ScoreStore,
} from '../../../ports/index.js';
import type { ArchivedEvent } from '../../archive/archivedEvent.js';
import { auditEntry } from '../../audit/auditEntry.js';
import { fingerprint } from './fingerprint.js';
import { resolveErasedIds } from './resolveErasedIds.js';

/** What a deletion works on; the embedded queue and the Parquet files are there only where they are. */
export interface DeletionDeps {
  ledger: DeletionLedger;
  store: Pick<ScoreStore, 'erasure' | 'identity'>;
  archive: Pick<EventArchive, 'rewriteHour'>;
  deadLetters: Pick<DeadLetterSink, 'removeUsers'>;
  /** The embedded queue: removes the ids' events still waiting (Service Bus: the scorer drops them). */
  queue?: { removeEvents(userIds: readonly string[], receivedUpTo: string): number };
  /** Rewrites the Parquet files of the days without the ids' rows. */
  eventFiles?: (
    days: readonly string[],
    userIds: readonly string[],
  ) => Promise<{ days: number; removed: number }>;
  audit: AuditLog;
  logger: Logger;
  now: () => number;
  newId: () => string;
  /**
   * How long after its request a deletion may start: the cache period of the ledger, so every
   * scorer drops the ids' queued events before the store is cleaned.
   */
  startDelayMs: number;
  /** Makes deleted rows unreadable in the files that held them, once the ids are cleared. */
  scrub?: () => Promise<void>;
  /** Called after each saved step (the CLI prints progress from it). */
  onProgress?: (request: DeletionRequest) => void;
}

const NEXT: Record<Exclude<DeletionStep, 'finished'>, DeletionStep> = {
  resolve: 'locate',
  locate: 'store',
  store: 'archive',
  archive: 'deadLetters',
  deadLetters: 'queue',
  queue: 'eventFiles',
  eventFiles: 'finished',
};

/** How often the archive step saves its progress. */
const ARCHIVE_SAVE_MS = 1000;

/** When the request may start (epoch ms). */
export const startsAt = (request: DeletionRequest, startDelayMs: number) =>
  Date.parse(request.requestedAt) + startDelayMs;

/**
 * Runs one deletion to its end, step by step (ports/deletion.ts names them). The request is saved
 * after every step and after every bounded piece of a step (an erase call; archive hours at most
 * once a second), so a crash loses at most that piece, and a restart, which runs the same request again from its saved
 * step, redoes it: every step is idempotent. A failure saves the request as `failed` with the
 * reason, and the next run retries it from that step.
 */
export async function runDeletion(
  deps: DeletionDeps,
  request: DeletionRequest,
): Promise<DeletionRequest> {
  const r: DeletionRequest = structuredClone(request);
  if (r.state === 'done') return r;
  const save = async () => {
    await deps.ledger.save(r);
    deps.onProgress?.(structuredClone(r));
  };
  r.state = 'running';
  r.runs += 1;
  r.startedAt ??= new Date(deps.now()).toISOString();
  delete r.reason;
  await save();
  try {
    while (r.step !== 'finished') {
      await runStep(deps, r, save);
      r.step = NEXT[r.step];
      await save();
    }
    r.state = 'done';
    r.finishedAt = new Date(deps.now()).toISOString();
    // The ledger keeps fingerprints only: the ids leave the request once nothing is left to do.
    r.userIds = [];
    r.erasedIds = [];
    await save();
    await deps.scrub?.();
    await deps.audit.append([auditEntry('system', 'deletion.done', r.id, deps.now(), deps.newId)]);
    deps.logger.info('privacy: deletion done', { id: r.id, ...r.removed });
  } catch (err) {
    r.state = 'failed';
    r.reason = `${r.step}: ${(err as Error).message}`;
    await save();
    deps.logger.error(`privacy: deletion ${r.id} failed at ${r.reason}`);
  }
  return r;
}

async function runStep(deps: DeletionDeps, r: DeletionRequest, save: () => Promise<void>) {
  const upTo = r.receivedUpTo;
  switch (r.step) {
    case 'resolve': {
      // Again at run time: a link made since the request joins the person's ids.
      const ids = await resolveErasedIds(deps.store.identity, [...r.userIds, ...r.erasedIds]);
      r.erasedIds = ids;
      r.fingerprints = [...new Set([...r.fingerprints, ...ids.map(fingerprint)])].sort();
      return;
    }
    case 'locate': {
      const where = await deps.store.erasure.locate(r.erasedIds, upTo);
      r.archiveHours = [...new Set([...r.archiveHours, ...where.archiveHours])].sort();
      r.eventDays = [...new Set([...r.eventDays, ...where.days])].sort();
      return;
    }
    case 'store': {
      for (;;) {
        const step = await deps.store.erasure.erase(r.erasedIds, upTo);
        r.removed.documents += step.documents;
        r.removed.profiles += step.profiles;
        r.removed.identityLinks += step.identityLinks;
        r.removed.storeRequests += step.requests;
        if (!step.more) return;
        await save();
      }
    }
    case 'archive': {
      const erased = new Set(r.erasedIds);
      const cutoff = Date.parse(upTo);
      const drop = (e: ArchivedEvent) => erased.has(e.userId) && Date.parse(e.receivedAt) <= cutoff;
      // An hour whose objects cannot be read yet (Blob Archive tier, rehydrating) is kept for the
      // next run; the other hours go on, and the step fails at the end naming it.
      const waiting: string[] = [];
      let savedAt = deps.now();
      let reason: string | undefined;
      while (r.archiveHours.length > 0) {
        const hour = r.archiveHours[0]!;
        try {
          const outcome = await deps.archive.rewriteHour(hour, drop);
          r.removed.archiveObjects += outcome.objects;
          r.removed.archiveLines += outcome.lines;
        } catch (err) {
          const done = (err as { done?: { objects: number; lines: number } }).done;
          if (!done) throw err;
          r.removed.archiveObjects += done.objects;
          r.removed.archiveLines += done.lines;
          waiting.push(hour);
          reason ??= (err as Error).message;
        }
        r.archiveHours.shift();
        // Progress is saved at most once a second (a person active every day has ~2,000 hours): a
        // crash redoes at most that second's hours, each a no-op the second time.
        if (deps.now() - savedAt >= ARCHIVE_SAVE_MS) {
          await save();
          savedAt = deps.now();
        }
      }
      if (waiting.length > 0) {
        r.archiveHours = waiting;
        throw new Error(reason);
      }
      return;
    }
    case 'deadLetters': {
      if (deps.deadLetters.removeUsers)
        r.removed.deadLetters += await deps.deadLetters.removeUsers(r.erasedIds);
      return;
    }
    case 'queue': {
      if (deps.queue) r.removed.queuedEvents += deps.queue.removeEvents(r.erasedIds, upTo);
      return;
    }
    case 'eventFiles': {
      if (deps.eventFiles && r.eventDays.length > 0) {
        const outcome = await deps.eventFiles(r.eventDays, r.erasedIds);
        r.removed.eventFileDays += outcome.days;
      }
      r.eventDays = [];
      return;
    }
  }
}

/**
 * The timer's work: every unfinished request whose start delay has passed, oldest first, until
 * `budgetMs` is spent (the next run goes on). Resolves with the requests it ran.
 */
export async function runDueDeletions(
  deps: DeletionDeps,
  options: { budgetMs?: number } = {},
): Promise<DeletionRequest[]> {
  const started = deps.now();
  const ran: DeletionRequest[] = [];
  for (const request of await deps.ledger.unfinished()) {
    if (startsAt(request, deps.startDelayMs) > deps.now()) continue;
    if (options.budgetMs !== undefined && deps.now() - started > options.budgetMs) break;
    ran.push(await runDeletion(deps, request));
  }
  return ran;
}
