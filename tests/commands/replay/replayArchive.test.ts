import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createFolderArchive } from '../../../src/adapters/archive/folderArchive.js';
import { replayArchive } from '../../../src/commands/replay/replayArchive.js';
import { createPositionFile } from '../../../src/commands/replay/replayPosition.js';
import type { AcceptedEvent } from '../../../src/core/event.js';
import type { EventArchive, EventQueue, SendResult } from '../../../src/ports/index.js';
import { archivedEvent } from '../../adapters/archiveContract.js';

const from = '2026-06-01T00:00:00.000Z';
const to = '2026-06-02T00:00:00.000Z';

/** A queue that answers with the given results in turn (then ok) and records what it took. */
function scriptedQueue(results: SendResult[] = []) {
  const sent: { events: readonly AcceptedEvent[]; traceparent?: string | undefined }[] = [];
  const queue: EventQueue = {
    async send(events, context) {
      const result = results.shift() ?? { ok: true, messages: 1 };
      if (result.ok) sent.push({ events, traceparent: context?.traceparent });
      return result;
    },
    check: async () => undefined,
    close: async () => undefined,
  };
  return { queue, sent };
}

describe('replayArchive', () => {
  let dir: string;
  let archive: EventArchive;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
    archive = createFolderArchive(join(dir, 'archive'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends each event once, grouped by trace, without the trace field in the event', async () => {
    const a = archivedEvent('2026-06-01T10:00:00.000Z', { traceparent: 'trace-a' });
    const b = archivedEvent('2026-06-01T10:05:00.000Z', { traceparent: 'trace-b' });
    await archive.append([a, b]);
    await archive.append([a]);
    const { queue, sent } = scriptedQueue();
    const totals = await replayArchive(archive, queue, { from, to });
    expect(totals).toEqual({ objects: 2, events: 2, invalid: 0, erased: 0 });
    const { traceparent: _a, ...plainA } = a;
    expect(sent).toEqual([
      { events: [plainA], traceparent: 'trace-a' },
      { events: [expect.objectContaining({ eventId: b.eventId })], traceparent: 'trace-b' },
    ]);
    expect(sent[1]!.events[0]).not.toHaveProperty('traceparent');
  });

  it('retries a refused send after its Retry-After, then stops with the reason', async () => {
    await archive.append([archivedEvent('2026-06-01T11:00:00.000Z')]);
    const busy: SendResult = { ok: false, reason: 'queue busy', retryAfterSeconds: 0 };
    const once = scriptedQueue([busy]);
    expect((await replayArchive(archive, once.queue, { from, to })).events).toBe(1);
    expect(once.sent).toHaveLength(1);
    const always = scriptedQueue([busy, busy, busy]);
    await expect(
      replayArchive(archive, always.queue, { from, to, maxAttempts: 3 }),
    ).rejects.toThrow('the queue refused the events 3 times: queue busy');
  });

  it('resumes from a saved position after an interruption, sending nothing twice', async () => {
    const events = [1, 2, 3].map((h) => archivedEvent(`2026-06-01T0${h}:00:00.000Z`));
    for (const e of events) await archive.append([e]);
    const position = createPositionFile(join(dir, 'pos.json'), { mode: 'queue', from, to });
    const failing = scriptedQueue([
      { ok: true, messages: 1 },
      { ok: false, reason: 'down', retryAfterSeconds: 0 },
    ]);
    await expect(
      replayArchive(archive, failing.queue, {
        from,
        to,
        maxAttempts: 1,
        onChunk: (chunk, totals) => position.save(chunk.name, totals.events),
      }),
    ).rejects.toThrow('down');
    const saved = position.load();
    expect(saved?.events).toBe(1);
    expect(createPositionFile(join(dir, 'pos.json'), { mode: 'rescore', from, to }).load()).toBe(
      undefined,
    );
    const resumed = scriptedQueue();
    await replayArchive(archive, resumed.queue, { from, to, after: saved!.after });
    expect(resumed.sent.flatMap((s) => s.events.map((e) => e.eventId))).toEqual([
      events[1]!.eventId,
      events[2]!.eventId,
    ]);
  });
});
