import type { EventResult } from '../core/validateEvents.js';

/** The outcome of one attempt to deliver a batch. */
export type SendAttempt =
  | { kind: 'results'; results: EventResult[] }
  | { kind: 'retry'; reason: string; waitMs?: number }
  | { kind: 'fatal'; reason: string };

/** Delivers one batch of events: over HTTP to POST /api/events, or checked locally for --dry-run. */
export type BatchSender = (body: string, count: number) => Promise<SendAttempt>;
