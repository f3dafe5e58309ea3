import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

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
