import type { AcceptedEvent } from '../core/event.js';

/** Outcome of handing events to the queue: ok means durably accepted. */
export type SendResult =
  { ok: true; messages: number } | { ok: false; reason: string; retryAfterSeconds: number };

/** Where ingest hands accepted events. Implementations: local SQLite queue, Service Bus. */
export interface EventQueue {
  send(events: readonly AcceptedEvent[], context?: { traceparent?: string }): Promise<SendResult>;
  check(): Promise<void>;
  close(): Promise<void>;
}
