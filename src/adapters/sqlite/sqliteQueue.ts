import { EventEmitter } from 'node:events';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

import type { AcceptedEvent } from '../../core/event.js';
import { dropQueuedEvents, type QueuedEventFilter } from '../../core/queue/dropQueuedEvents.js';
import type { EventQueue, SendResult } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';
import { scrubDatabase, type ScrubResult } from './scrubDatabase.js';

export interface ClaimedMessage {
  id: number;
  body: string;
  deliveries: number;
  traceparent: string | null;
}

export interface QueueStats {
  pending: number;
  poisoned: number;
}

/** What is waiting, for the metrics endpoint: messages (each up to 1,000 events) and the oldest one's age. */
export interface QueueBacklog {
  messages: number;
  /** Epoch ms at which the oldest waiting message was sent; null when none waits. */
  oldestEnqueuedAt: number | null;
}

/** The embedded queue: many events per message, at-least-once, with a poison table. */
export interface SqliteQueue extends EventQueue {
  /** Leases up to `max` visible messages for `lockMs`; they come back if not completed in time. */
  receive(max: number, lockMs: number): ClaimedMessage[];
  complete(ids: readonly number[]): void;
  /** Makes messages visible again, or moves those that reached the delivery limit to the poison table. */
  abandon(messages: readonly ClaimedMessage[], reason: string): void;
  stats(): QueueStats;
  /** COUNT over the waiting messages (not events) plus one index seek: cheap enough for a scrape. */
  backlog(): QueueBacklog;
  /** Puts every poisoned message back on the queue with a fresh delivery count; returns how many. */
  replayPoison(): number;
  /**
   * Deletion of a person: removes the events of `userIds` received at or before `receivedUpTo`
   * (ISO time) from the waiting and poisoned messages, rewriting each body without them and deleting
   * a message left empty, in one transaction. Returns the number of events removed.
   */
  removeEvents(userIds: readonly string[], receivedUpTo: string): number;
  /**
   * After removeEvents: empties the WAL, so no old page (of a rewritten message, or of one the
   * scorer completed before the deletion) holds the removed events (scrubDatabase.ts).
   */
  scrub(): ScrubResult;
  /** Copies committed WAL pages into the database file without blocking writers. */
  checkpoint(): { walFrames: number; checkpointed: number };
  /** Emits 'message' after each send, so a consumer can wake without polling. */
  readonly events: EventEmitter;
}

export function createSqliteQueue(
  path: string,
  options: { maxDeliveries: number; now?: () => number; autoCheckpoint?: boolean },
): SqliteQueue {
  const now = options.now ?? Date.now;
  const db: DatabaseSync = openDatabase(path, { autoCheckpoint: options.autoCheckpoint });
  db.exec(`
    CREATE TABLE IF NOT EXISTS messages (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      body TEXT NOT NULL,
      traceparent TEXT,
      enqueued_at INTEGER NOT NULL,
      visible_at INTEGER NOT NULL,
      deliveries INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS messages_visible ON messages (visible_at, id);
    CREATE TABLE IF NOT EXISTS poison (
      id INTEGER PRIMARY KEY,
      body TEXT NOT NULL,
      reason TEXT NOT NULL,
      deliveries INTEGER NOT NULL,
      failed_at INTEGER NOT NULL
    );
  `);
  const insert = db.prepare(
    'INSERT INTO messages (body, traceparent, enqueued_at, visible_at) VALUES (?, ?, ?, ?)',
  );
  const claim = db.prepare(`
    UPDATE messages SET visible_at = ?, deliveries = deliveries + 1
    WHERE id IN (SELECT id FROM messages WHERE visible_at <= ? ORDER BY visible_at, id LIMIT ?)
    RETURNING id, body, deliveries, traceparent`);
  const remove = db.prepare('DELETE FROM messages WHERE id = ?');
  const release = db.prepare('UPDATE messages SET visible_at = ? WHERE id = ?');
  const poison = db.prepare(
    'INSERT OR REPLACE INTO poison (id, body, reason, deliveries, failed_at) VALUES (?, ?, ?, ?, ?)',
  );
  const counts = db.prepare(`SELECT
    (SELECT COUNT(*) FROM messages) AS pending,
    (SELECT COUNT(*) FROM poison) AS poisoned`);
  // ids grow with enqueued_at, so the lowest id is the oldest message: a seek on the primary key.
  const backlog = db.prepare(`SELECT
    (SELECT COUNT(*) FROM messages) AS messages,
    (SELECT enqueued_at FROM messages ORDER BY id LIMIT 1) AS oldestEnqueuedAt`);
  const events = new EventEmitter();
  let closed = false;

  const inTransaction = (work: () => void) => {
    db.exec('BEGIN IMMEDIATE');
    try {
      work();
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
  const run = (statement: StatementSync, ...args: (string | number | null)[]) =>
    statement.run(...args);

  // Group commit: the sends of one turn of the event loop share a transaction, and each caller's
  // promise resolves only after that commit, so "accepted" still means written.
  let waiting: { body: string; traceparent: string | null; resolve: (r: SendResult) => void }[] =
    [];
  const flush = () => {
    const items = waiting;
    waiting = [];
    try {
      const t = now();
      inTransaction(() => items.forEach((item) => run(insert, item.body, item.traceparent, t, t)));
    } catch (err) {
      const reason = `local queue write failed: ${(err as Error).message}`;
      items.forEach((item) => item.resolve({ ok: false, reason, retryAfterSeconds: 1 }));
      return;
    }
    items.forEach((item) => item.resolve({ ok: true, messages: 1 }));
    events.emit('message');
  };

  return {
    events,
    send(batch: readonly AcceptedEvent[], context): Promise<SendResult> {
      if (batch.length === 0) return Promise.resolve({ ok: true, messages: 0 });
      const body = JSON.stringify(batch);
      return new Promise<SendResult>((resolve) => {
        waiting.push({ body, traceparent: context?.traceparent ?? null, resolve });
        if (waiting.length === 1) setImmediate(flush);
      });
    },
    receive(max, lockMs) {
      const t = now();
      return claim.all(t + lockMs, t, max) as unknown as ClaimedMessage[];
    },
    complete(ids) {
      inTransaction(() => ids.forEach((id) => run(remove, id)));
    },
    abandon(messages, reason) {
      const t = now();
      inTransaction(() => {
        for (const m of messages) {
          if (m.deliveries >= options.maxDeliveries) {
            run(poison, m.id, m.body, reason, m.deliveries, t);
            run(remove, m.id);
          } else {
            // Back off a little more on each failed delivery so a broken store is not hammered.
            run(release, t + Math.min(30_000, 250 * 2 ** m.deliveries), m.id);
          }
        }
      });
    },
    replayPoison() {
      let moved = 0;
      inTransaction(() => {
        const t = now();
        moved = Number(
          db
            .prepare(
              'INSERT INTO messages (body, traceparent, enqueued_at, visible_at) SELECT body, NULL, ?, ? FROM poison ORDER BY id',
            )
            .run(t, t).changes,
        );
        db.exec('DELETE FROM poison');
      });
      if (moved > 0) events.emit('message');
      return moved;
    },
    // One pass over every waiting and poisoned message (each body parsed): the backlog is what the
    // scorer has not reached yet, normally small. Leased messages are rewritten too; the scorer
    // drops erased events it already read (the ledger).
    removeEvents(userIds, receivedUpTo) {
      const ids = new Set(userIds);
      const cutoff = Date.parse(receivedUpTo);
      if (ids.size === 0 || Number.isNaN(cutoff)) return 0;
      let removed = 0;
      inTransaction(() => {
        for (const table of ['messages', 'poison'] as const) {
          const changes: { id: number; body: string | undefined }[] = [];
          const rows = db
            .prepare(
              table === 'messages'
                ? 'SELECT id, body, enqueued_at AS at FROM messages'
                : 'SELECT id, body, failed_at AS at FROM poison',
            )
            .iterate() as Iterable<{ id: number; body: string; at: number }>;
          for (const row of rows) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(row.body);
            } catch {
              continue;
            }
            const filter: QueuedEventFilter = {
              userIds: ids,
              receivedUpTo: cutoff,
              fallbackReceivedAt: row.at,
            };
            const result = dropQueuedEvents(parsed, filter);
            if (result.removed === 0) continue;
            removed += result.removed;
            changes.push({
              id: row.id,
              body: result.body === undefined ? undefined : JSON.stringify(result.body),
            });
          }
          const update = db.prepare(`UPDATE ${table} SET body = ? WHERE id = ?`);
          const drop = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
          for (const change of changes) {
            if (change.body === undefined) run(drop, change.id);
            else run(update, change.body, change.id);
          }
        }
      });
      return removed;
    },
    scrub: () => scrubDatabase(db),
    checkpoint() {
      const row = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as {
        log: number;
        checkpointed: number;
      };
      return { walFrames: row.log, checkpointed: row.checkpointed };
    },
    stats() {
      return counts.get() as unknown as QueueStats;
    },
    backlog() {
      return backlog.get() as unknown as QueueBacklog;
    },
    async check() {
      if (closed) throw new Error('local queue is closed');
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
