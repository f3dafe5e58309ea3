import type { AcceptedEvent } from '../core/event.js';

/** Outcome of handing events to the queue: ok means durably accepted. */
export type SendResult =
  { ok: true; messages: number } | { ok: false; reason: string; retryAfterSeconds: number };

/** Where ingest hands accepted events. Implementations: local SQLite queue, Service Bus. */
export interface EventQueue {
  send(events: readonly AcceptedEvent[], context?: { traceparent?: string }): Promise<SendResult>;
  /**
   * Deletion of a person: removes the ids' events received up to the cut-off from messages still
   * waiting; returns how many. Only the embedded queue has it: on Service Bus the scorer drops them
   * by the deletion ledger.
   */
  removeEvents?(userIds: readonly string[], receivedUpTo: string): number;
  /** As PersonErasure.scrub, for the embedded queue's file. */
  scrub?(): void;
  check(): Promise<void>;
  close(): Promise<void>;
}
