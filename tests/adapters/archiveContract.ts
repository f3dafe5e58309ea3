import { randomUUID } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ArchivedEvent } from '../../src/core/archive/archivedEvent.js';
import { readArchive } from '../../src/core/archive/readArchive.js';
import type { EventArchive } from '../../src/ports/index.js';
import { ODD_USER_IDS, RICH_FIELDS } from './storeContract.js';

export interface ArchiveUnderTest {
  archive: EventArchive;
  /** Stores raw bytes under a name, as a corrupt or foreign object would be. */
  putRaw(name: string, data: Buffer): Promise<void>;
  cleanup(): Promise<void>;
}

export function archivedEvent(
  receivedAt: string,
  extra: Partial<ArchivedEvent> = {},
): ArchivedEvent {
  return {
    eventId: randomUUID(),
    userId: 'u1',
    type: 'purchase',
    occurredAt: receivedAt,
    receivedAt,
    amount: 9.5,
    properties: { plan: 'pro' },
    source: 'web',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    ...extra,
  };
}

const all = async (archive: EventArchive, from: string, to: string, after?: string) => {
  const out: ArchivedEvent[] = [];
  for await (const chunk of readArchive(archive, { from, to, ...(after ? { after } : {}) }))
    out.push(...chunk.events);
  return out;
};

/** The behaviour every EventArchive shares; each adapter's test file runs it against its own peer. */
export function archiveContract(name: string, make: () => Promise<ArchiveUnderTest>): void {
  describe(`EventArchive contract: ${name}`, () => {
    let subject: ArchiveUnderTest;
    let archive: EventArchive;
    beforeEach(async () => {
      subject = await make();
      archive = subject.archive;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('partitions by UTC hour of receipt into gzip NDJSON objects and reads them back as written', async () => {
      const a = archivedEvent('2026-03-10T12:59:59.999Z');
      const b = archivedEvent('2026-03-10T13:00:00.000Z', { source: undefined, amount: undefined });
      delete b.source;
      delete b.amount;
      await archive.append([a, b]);
      const noon = await archive.list('2026/03/10/12/');
      const one = await archive.list('2026/03/10/13/');
      expect(noon).toHaveLength(1);
      expect(one).toHaveLength(1);
      expect(noon[0]).toMatch(/^2026\/03\/10\/12\/[^/]+\.ndjson\.gz$/);
      expect(await archive.read(noon[0]!)).toEqual({ events: [a], invalid: 0 });
      expect(await archive.read(one[0]!)).toEqual({ events: [b], invalid: 0 });
      expect(await archive.list('2026/03/10/14/')).toEqual([]);
    });

    it('keeps odd user ids and the nested fields of the event shape exactly, through the NDJSON lines', async () => {
      const { link, group, context, integrations, traits, traitsOnce, properties } = RICH_FIELDS;
      const events = ODD_USER_IDS.map((userId) =>
        archivedEvent('2026-03-10T15:00:00.000Z', {
          userId,
          properties: properties!,
          context: context!,
          integrations: integrations!,
          traits: traits!,
          traitsOnce: traitsOnce!,
          link: link!,
          group: group!,
        }),
      );
      await archive.append(events);
      const read = await all(archive, '2026-03-10T15:00:00.000Z', '2026-03-10T16:00:00.000Z');
      expect(read).toHaveLength(events.length);
      expect(read).toEqual(expect.arrayContaining(events));
      const [name] = await archive.list('2026/03/10/15/');
      expect((await archive.read(name!)).invalid).toBe(0);
    });

    it('reads a range [from, to) in order, each eventId once however often it was archived', async () => {
      const first = archivedEvent('2026-03-10T12:10:00.000Z');
      const second = archivedEvent('2026-03-10T13:20:00.000Z');
      const outside = archivedEvent('2026-03-10T14:00:00.000Z');
      await archive.append([first, second, outside]);
      // A redelivered batch: archived again.
      await archive.append([first, second]);
      const events = await all(archive, '2026-03-10T12:00:00.000Z', '2026-03-10T14:00:00.000Z');
      expect(events).toEqual([first, second]);
      expect(await all(archive, '2026-03-10T12:30:00.000Z', '2026-03-10T15:00:00.000Z')).toEqual([
        second,
        outside,
      ]);
    });

    it('resumes after an object without repeating an event of it', async () => {
      const events = [0, 1, 2].map((i) => archivedEvent(`2026-03-11T08:0${i}:00.000Z`));
      for (const e of events) await archive.append([e, events[0]!]);
      const chunks = [];
      for await (const c of readArchive(archive, {
        from: '2026-03-11T00:00:00.000Z',
        to: '2026-03-12T00:00:00.000Z',
      }))
        chunks.push(c);
      expect(chunks.map((c) => c.events.map((e) => e.eventId))).toEqual([
        [events[0]!.eventId],
        [events[1]!.eventId],
        [events[2]!.eventId],
      ]);
      expect(
        await all(archive, '2026-03-11T00:00:00.000Z', '2026-03-12T00:00:00.000Z', chunks[0]!.name),
      ).toEqual([events[1], events[2]]);
    });

    it('counts lines that are not archived events and keeps the rest', async () => {
      const { gzipSync } = await import('node:zlib');
      const good = archivedEvent('2026-03-12T01:00:00.000Z');
      const name = '2026/03/12/01/0000-foreign.ndjson.gz';
      await subject.putRaw(
        name,
        gzipSync(`${JSON.stringify(good)}\nnot json\n{"eventId":"x"}\n\n`),
      );
      expect(await archive.read(name)).toEqual({ events: [good], invalid: 2 });
    });

    it('writes nothing for an empty batch', async () => {
      await archive.append([]);
      expect(await all(archive, '2000-01-01T00:00:00.000Z', '2000-01-02T00:00:00.000Z')).toEqual(
        [],
      );
    });

    it('removes the hour partitions before a cut-off by their names, and keeps the rest', async () => {
      await archive.append([
        archivedEvent('2025-12-31T23:10:00.000Z'),
        archivedEvent('2026-02-28T09:00:00.000Z'),
        archivedEvent('2026-03-01T09:59:59.000Z'),
      ]);
      await archive.append([archivedEvent('2026-03-01T09:30:00.000Z')]);
      await archive.append([
        archivedEvent('2026-03-01T10:00:00.000Z'),
        archivedEvent('2026-03-02T00:00:00.000Z'),
        archivedEvent('2027-01-01T00:00:00.000Z'),
      ]);
      expect(await archive.removeHoursBefore!('2026/03/01/10/')).toBe(4);
      for (const hour of ['2025/12/31/23/', '2026/02/28/09/', '2026/03/01/09/']) {
        expect(await archive.list(hour)).toEqual([]);
      }
      for (const hour of ['2026/03/01/10/', '2026/03/02/00/', '2027/01/01/00/']) {
        expect(await archive.list(hour)).toHaveLength(1);
      }
      expect(await archive.removeHoursBefore!('2026/03/01/10/')).toBe(0);
    });
  });
}
