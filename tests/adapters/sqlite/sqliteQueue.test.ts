import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openDatabase } from '../../../src/adapters/sqlite/openDatabase.js';
import { createSqliteQueue, type SqliteQueue } from '../../../src/adapters/sqlite/sqliteQueue.js';
import type { AcceptedEvent } from '../../../src/core/event.js';

const ev = (i: number): AcceptedEvent => ({
  eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  userId: `u${i}`,
  type: 't',
  occurredAt: '2026-11-24T00:00:00.000Z',
  receivedAt: '2026-11-24T00:00:00.000Z',
});

describe('sqliteQueue', () => {
  let dir: string;
  let clock: number;
  let queue: SqliteQueue;
  const open = () =>
    createSqliteQueue(join(dir, 'queue.db'), { maxDeliveries: 3, now: () => clock });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'queue-'));
    clock = 1_000_000;
    queue = open();
  });
  afterEach(async () => {
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('carries many events in one message, with the trace context', async () => {
    expect(await queue.send([ev(1), ev(2), ev(3)], { traceparent: 'tp' })).toEqual({
      ok: true,
      messages: 1,
    });
    const [m] = queue.receive(10, 1000);
    expect(JSON.parse(m!.body)).toEqual([ev(1), ev(2), ev(3)]);
    expect(m).toMatchObject({ deliveries: 1, traceparent: 'tp' });
  });

  it('commits concurrent sends together and resolves each only once written', async () => {
    const results = await Promise.all([
      queue.send([ev(1)]),
      queue.send([ev(2)]),
      queue.send([ev(3)]),
    ]);
    expect(results).toEqual([1, 2, 3].map(() => ({ ok: true, messages: 1 })));
    expect(
      queue.receive(10, 1000).map((m) => (JSON.parse(m.body) as { userId: string }[])[0]?.userId),
    ).toEqual(['u1', 'u2', 'u3']);
  });

  it('survives a restart', async () => {
    await queue.send([ev(1)]);
    await queue.close();
    queue = open();
    expect(queue.receive(10, 1000)).toHaveLength(1);
  });

  it('hides a leased message until the lease ends, then redelivers it (at least once)', async () => {
    await queue.send([ev(1)]);
    expect(queue.receive(10, 1000)).toHaveLength(1);
    expect(queue.receive(10, 1000)).toHaveLength(0);
    clock += 1001;
    const again = queue.receive(10, 1000);
    expect(again.map((m) => m.deliveries)).toEqual([2]);
    queue.complete(again.map((m) => m.id));
    clock += 5000;
    expect(queue.receive(10, 1000)).toHaveLength(0);
  });

  it('moves a message to the poison table after the delivery limit, with its reason', async () => {
    await queue.send([ev(1)]);
    for (let i = 0; i < 3; i++) {
      const got = queue.receive(10, 1000);
      expect(got).toHaveLength(1);
      queue.abandon(got, 'store down');
      clock += 60_000;
    }
    expect(queue.receive(10, 1000)).toHaveLength(0);
    expect(queue.stats()).toEqual({ pending: 0, poisoned: 1 });
  });

  it('puts poisoned messages back on the queue when replayed', async () => {
    await queue.send([ev(1)]);
    for (let i = 0; i < 3; i++) {
      queue.abandon(queue.receive(10, 1000), 'store down');
      clock += 60_000;
    }
    expect(queue.stats().poisoned).toBe(1);
    expect(queue.replayPoison()).toBe(1);
    expect(queue.stats()).toMatchObject({ pending: 1, poisoned: 0 });
    const [again] = queue.receive(10, 1000);
    expect(again).toMatchObject({ deliveries: 1 });
    expect(JSON.parse(again!.body)).toEqual([ev(1)]);
  });

  it('delivers in order and respects the maximum', async () => {
    for (let i = 0; i < 5; i++) await queue.send([ev(i)]);
    const first = queue.receive(3, 1000);
    expect(first.map((m) => JSON.parse(m.body)[0].userId)).toEqual(['u0', 'u1', 'u2']);
    expect(queue.receive(3, 1000)).toHaveLength(2);
  });

  it('reports a failed write as a value, not an exception', async () => {
    await queue.close();
    const result = await queue.send([ev(1)]);
    expect(result).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    await expect(queue.check()).rejects.toThrow(/closed/);
    queue = open();
  });
  it('reports its backlog: waiting messages and when the oldest was sent', async () => {
    expect(queue.backlog()).toEqual({ messages: 0, oldestEnqueuedAt: null });
    await queue.send([ev(1)]);
    clock += 5000;
    await queue.send([ev(2)]);
    expect(queue.backlog()).toEqual({ messages: 2, oldestEnqueuedAt: 1_000_000 });
    const [first] = queue.receive(1, 1000);
    queue.complete([first!.id]);
    expect(queue.backlog()).toEqual({ messages: 1, oldestEnqueuedAt: 1_005_000 });
  });
});

describe('sqliteQueue checkpoints by another connection', () => {
  it('keeps every message when the writer never checkpoints and a second connection does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queue-ckpt-'));
    const path = join(dir, 'queue.db');
    const writer = createSqliteQueue(path, { maxDeliveries: 3, autoCheckpoint: false });
    const checkpointer = createSqliteQueue(path, { maxDeliveries: 3 });
    try {
      for (let i = 0; i < 600; i++) await writer.send([ev(i)]);
      // The writer never checkpointed: every frame it wrote is still only in the WAL...
      const first = checkpointer.checkpoint();
      expect(first.walFrames).toBeGreaterThan(1000);
      // ...until the other connection copies them all back.
      expect(first.checkpointed).toBe(first.walFrames);
      expect(checkpointer.receive(1000, 1000)).toHaveLength(600);
    } finally {
      await writer.close();
      await checkpointer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqliteQueue removeEvents', () => {
  let dir: string;
  let clock: number;
  let queue: SqliteQueue;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'queue-'));
    clock = Date.parse('2026-11-24T09:00:00.000Z');
    queue = createSqliteQueue(join(dir, 'queue.db'), { maxDeliveries: 3, now: () => clock });
  });
  afterEach(async () => {
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (i: number, userId: string, receivedAt: string): AcceptedEvent => ({
    ...ev(i),
    userId,
    receivedAt,
  });
  const CUT = '2026-11-24T10:00:00.000Z';
  const before = '2026-11-24T09:59:59.999Z';
  const after = '2026-11-24T10:00:00.001Z';

  it('rewrites waiting messages without the ids events up to the cut-off, and deletes emptied ones', async () => {
    const mixed = [at(1, 'gone', before), at(2, 'stays', before), at(3, 'gone', CUT)];
    const onlyGone = [at(4, 'gone', before), at(5, 'anon-gone', before)];
    const later = [at(6, 'gone', after), at(7, 'gone-not', before)];
    await queue.send(mixed, { traceparent: 'tp-1' });
    await queue.send(onlyGone);
    await queue.send(later);
    expect(queue.removeEvents(['gone', 'anon-gone'], CUT)).toBe(4);
    expect(queue.stats()).toEqual({ pending: 2, poisoned: 0 });
    const messages = queue.receive(10, 1000);
    expect(messages.map((m) => JSON.parse(m.body) as unknown)).toEqual([
      [at(2, 'stays', before)],
      later,
    ]);
    expect(messages[0]).toMatchObject({ traceparent: 'tp-1', deliveries: 1 });
    expect(queue.removeEvents(['gone', 'anon-gone'], CUT)).toBe(0);
    expect(queue.removeEvents([], CUT)).toBe(0);
  });

  const early = '2026-11-24T08:00:00.000Z';
  it('reaches poisoned messages, packed bodies, and events without a receipt time by the message time', async () => {
    await queue.send([at(1, 'gone', early), at(2, 'stays', early)]);
    for (let i = 0; i < 3; i++) {
      queue.abandon(queue.receive(10, 1000), 'store down');
      clock += 60_000;
    }
    expect(queue.stats()).toEqual({ pending: 0, poisoned: 1 });
    // A packed body and an event with no receivedAt: sent (clock) well before the cut-off.
    const packed = { events: [at(3, 'gone', early), at(4, 'stays', early)] };
    await queue.send([
      packed as unknown as AcceptedEvent,
      { ...ev(5), userId: 'gone', receivedAt: 'x' },
    ]);
    const cut = new Date(clock + 1).toISOString();
    expect(cut < before).toBe(true);
    expect(queue.removeEvents(['gone'], cut)).toBe(3);
    const [waiting] = queue.receive(10, 1000);
    expect(JSON.parse(waiting!.body)).toEqual([{ events: [at(4, 'stays', early)] }]);
    expect(queue.replayPoison()).toBe(1);
    const [poisoned] = queue.receive(10, 1000);
    expect(JSON.parse(poisoned!.body)).toEqual([at(2, 'stays', early)]);
  });

  it('keeps an event without a receipt time sent after the cut-off, and a body that is not JSON', async () => {
    const cut = new Date(clock - 1).toISOString();
    await queue.send([{ ...ev(5), userId: 'gone', receivedAt: 'x' }]);
    expect(queue.removeEvents(['gone'], cut)).toBe(0);
    expect(queue.stats().pending).toBe(1);
    const other = openDatabase(join(dir, 'queue.db'));
    other
      .prepare('INSERT INTO messages (body, enqueued_at, visible_at) VALUES (?, ?, ?)')
      .run('[{"userId":"gone"', 0, 0);
    other.close();
    expect(queue.removeEvents(['gone'], cut)).toBe(0);
    expect(queue.stats().pending).toBe(2);
    // The same event sent before a later cut-off goes, by its message's time.
    expect(queue.removeEvents(['gone'], new Date(clock).toISOString())).toBe(1);
    expect(queue.stats().pending).toBe(1);
  });

  it('leaves no byte of the removed events in queue.db or its WAL once scrubbed, completed ones included', async () => {
    const gone = 'gone-3e8f0a55';
    // Scored before the deletion: completed, its pages freed.
    await queue.send([at(1, gone, before), at(2, 'stays', before)]);
    queue.complete(queue.receive(10, 1000).map((m) => m.id));
    // Still waiting.
    await queue.send([at(3, gone, before), at(4, 'stays', before)]);
    await queue.send([at(5, gone, before)]);
    const path = join(dir, 'queue.db');
    const holding = () =>
      [path, `${path}-wal`].filter(
        (f) => existsSync(f) && readFileSync(f).includes(Buffer.from(gone)),
      );
    expect(holding().length).toBeGreaterThan(0);
    expect(queue.removeEvents([gone], CUT)).toBe(2);
    expect(queue.scrub()).toMatchObject({ complete: true });
    expect(holding()).toEqual([]);
    expect(queue.stats()).toEqual({ pending: 1, poisoned: 0 });
  });
});
