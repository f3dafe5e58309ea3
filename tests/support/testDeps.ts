import { createOpenAccess } from '../../src/adapters/access/createOpenAccess.js';
import { createErasedList } from '../../src/adapters/privacy/createErasedList.js';
import { createSuppressionList } from '../../src/adapters/privacy/createSuppressionList.js';
import { createSqliteAuditLog } from '../../src/adapters/sqlite/sqliteAuditLog.js';
import { createSqliteDeletionLedger } from '../../src/adapters/sqlite/sqliteDeletionLedger.js';
import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import { createSqliteSuppressionStore } from '../../src/adapters/sqlite/sqliteSuppressionStore.js';
import { loadConfig } from '../../src/config.js';
import type { ArchivedEvent } from '../../src/core/archive/archivedEvent.js';
import { archiveHour } from '../../src/core/archive/archiveHour.js';
import type { AcceptedEvent } from '../../src/core/event.js';
import type {
  DeadLetter,
  EventQueue,
  ModelSource,
  Scorer,
  SendResult,
  Telemetry,
} from '../../src/ports/index.js';
import type { Deps } from '../../src/wiring/deps.js';

export interface Recorded {
  sent: { events: readonly AcceptedEvent[]; traceparent?: string | undefined }[];
  deadLetters: DeadLetter[];
  archived: ArchivedEvent[];
  metrics: { name: string; value: number; traceparent?: string | undefined }[];
  events: {
    name: string;
    properties?: Record<string, unknown>;
    traceparent?: string | undefined;
  }[];
}

export const fixedScorer = (version = '1.0.0', score = 0.4): Scorer => ({
  name: 'test-model',
  version,
  score: () => ({ score, reasons: [{ feature: 'bias', contribution: -0.4 }] }),
});

/** Deps for function tests: a real in-memory SQLite store, a queue and sinks that record, a fixed clock. */
export function testDeps(
  overrides: { sendResult?: SendResult; scorer?: Scorer | undefined } = {},
): Deps & { recorded: Recorded } {
  const loaded = loadConfig({}, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  const recorded: Recorded = { sent: [], deadLetters: [], archived: [], metrics: [], events: [] };
  const queue: EventQueue = {
    async send(events, context) {
      const result = overrides.sendResult ?? { ok: true, messages: 1 };
      if (result.ok) recorded.sent.push({ events, traceparent: context?.traceparent });
      return result;
    },
    check: async () => undefined,
    close: async () => undefined,
  };
  const scorer = 'scorer' in overrides ? overrides.scorer : fixedScorer();
  const models: ModelSource = {
    champion: () => scorer,
    challenger: () => undefined,
    status: () =>
      scorer
        ? { ok: true, detail: 'loaded' }
        : { ok: false, detail: 'models/none.json does not exist' },
    close: async () => undefined,
  };
  const telemetry: Telemetry = {
    trackEvent: (name, properties, context) =>
      recorded.events.push({ name, properties, traceparent: context?.traceparent }),
    trackMetric: (name, value, _p, context) =>
      recorded.metrics.push({ name, value, traceparent: context?.traceparent }),
  };
  let id = 0;
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const suppressions = createSqliteSuppressionStore(':memory:');
  const ledger = createSqliteDeletionLedger(':memory:');
  return {
    config: loaded.config,
    queue,
    store: createSqliteStore(':memory:'),
    models,
    deadLetters: { put: async (items) => void recorded.deadLetters.push(...items) },
    archive: {
      append: async (events) => void recorded.archived.push(...events),
      list: async () => [],
      read: async () => ({ events: [], invalid: 0 }),
      // The recorded events of that hour stand for its objects: one object rewritten when any went.
      rewriteHour: async (hour, drop) => {
        const kept = recorded.archived.filter(
          (e) => archiveHour(e.receivedAt) !== hour || !drop(e),
        );
        const lines = recorded.archived.length - kept.length;
        recorded.archived.splice(0, recorded.archived.length, ...kept);
        return { objects: lines > 0 ? 1 : 0, lines };
      },
      close: async () => undefined,
    },
    access: createOpenAccess(),
    privacy: {
      store: suppressions,
      list: createSuppressionList(suppressions, { cacheSeconds: 0, now: Date.now, logger }),
    },
    deletions: {
      ledger,
      erased: createErasedList(ledger, { cacheSeconds: 0, now: Date.now, logger }),
    },
    audit: createSqliteAuditLog(':memory:'),
    telemetry,
    logger,
    now: () => Date.parse('2026-11-24T12:00:00Z'),
    newId: () => `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}`,
    close: async () => undefined,
    recorded,
  };
}
