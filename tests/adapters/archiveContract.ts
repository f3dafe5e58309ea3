import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ArchivedEvent } from '../../src/core/archive/archivedEvent.js';
import { readArchive } from '../../src/core/archive/readArchive.js';
import type { EventArchive } from '../../src/ports/index.js';
import { ODD_USER_IDS, RICH_FIELDS } from './storeContract.js';

export interface ArchiveUnderTest {
  archive: EventArchive;
  /** Stores raw bytes under a name, as a corrupt or foreign object would be. */
  putRaw(name: string, data: Buffer): Promise<void>;
  /** Every stored object or file under a prefix, whatever its name, with its raw bytes. */
  rawUnder(prefix: string): Promise<Map<string, Buffer>>;
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

    describe('rewriteHour', () => {
      const HOUR = '2026/03/13/07/';
      const GONE = 'gone-7f3a9c';
      const dropGone = (e: ArchivedEvent) => e.userId === GONE;
      /** Each object's text, gunzipped when it is gzip (a temp file may not be). */
      const texts = async (prefix: string) => {
        const out = new Map<string, string>();
        for (const [name, data] of await subject.rawUnder(prefix)) {
          let text: string;
          try {
            text = gunzipSync(data).toString('utf8');
          } catch {
            text = data.toString('utf8');
          }
          out.set(name, text);
        }
        return out;
      };

      it('removes exactly the matching lines, in place, and leaves other lines and objects as they were', async () => {
        const mixedKeep = [
          archivedEvent('2026-03-13T07:01:00.000Z', { userId: 'stays' }),
          archivedEvent('2026-03-13T07:03:00.000Z', { userId: `${GONE}-not` }),
        ];
        const mixedGone = [
          archivedEvent('2026-03-13T07:02:00.000Z', { userId: GONE }),
          archivedEvent('2026-03-13T07:04:00.000Z', { userId: GONE, properties: { note: GONE } }),
        ];
        await archive.append([mixedKeep[0]!, mixedGone[0]!, mixedKeep[1]!, mixedGone[1]!]);
        const untouched = [archivedEvent('2026-03-13T07:10:00.000Z', { userId: 'other' })];
        await archive.append(untouched);
        const otherHour = archivedEvent('2026-03-13T08:00:00.000Z', { userId: GONE });
        await archive.append([otherHour]);
        // A foreign object: a line that is not an archived event stays as it is, even naming the id.
        const foreign = `${HOUR}0000-foreign.ndjson.gz`;
        const goneLine = archivedEvent('2026-03-13T07:05:00.000Z', { userId: GONE });
        await subject.putRaw(
          foreign,
          gzipSync(`not json
${JSON.stringify(goneLine)}
{"userId":"${GONE}"}
`),
        );
        const names = await archive.list(HOUR);
        expect(names).toHaveLength(3);
        const before = await subject.rawUnder(HOUR);

        expect(await archive.rewriteHour(HOUR, dropGone)).toEqual({ objects: 2, lines: 3 });

        expect(await archive.list(HOUR)).toEqual(names);
        const after = await Promise.all(names.map((n) => archive.read(n)));
        const [mixedName, untouchedName] = names.filter((n) => n !== foreign);
        expect(await archive.read(mixedName!)).toEqual({ events: mixedKeep, invalid: 0 });
        expect(await archive.read(untouchedName!)).toEqual({ events: untouched, invalid: 0 });
        expect(await archive.read(foreign)).toEqual({ events: [], invalid: 2 });
        expect(after.flatMap((r) => r.events).some(dropGone)).toBe(false);
        const raw = await subject.rawUnder(HOUR);
        expect(raw.get(untouchedName!)).toEqual(before.get(untouchedName!));
        expect(gunzipSync(raw.get(foreign)!).toString('utf8')).toBe(
          `not json\n{"userId":"${GONE}"}\n`,
        );
        // Another hour is not this call's business.
        const [later] = await archive.list('2026/03/13/08/');
        expect((await archive.read(later!)).events).toEqual([otherHour]);
      });

      it('changes nothing on a second call, nor in an hour without a match', async () => {
        await archive.append([
          archivedEvent('2026-03-13T07:01:00.000Z', { userId: GONE }),
          archivedEvent('2026-03-13T07:02:00.000Z', { userId: 'stays' }),
        ]);
        expect(await archive.rewriteHour(HOUR, dropGone)).toEqual({ objects: 1, lines: 1 });
        const once = await subject.rawUnder(HOUR);
        expect(await archive.rewriteHour(HOUR, dropGone)).toEqual({ objects: 0, lines: 0 });
        expect(await subject.rawUnder(HOUR)).toEqual(once);
        expect(await archive.rewriteHour('2026/03/14/07/', dropGone)).toEqual({
          objects: 0,
          lines: 0,
        });
      });

      it('deletes an object left with no line', async () => {
        await archive.append([
          archivedEvent('2026-03-13T07:01:00.000Z', { userId: GONE }),
          archivedEvent('2026-03-13T07:02:00.000Z', { userId: GONE }),
        ]);
        await archive.append([archivedEvent('2026-03-13T07:03:00.000Z', { userId: 'stays' })]);
        const [emptied, kept] = await archive.list(HOUR);
        expect(await archive.rewriteHour(HOUR, dropGone)).toEqual({ objects: 1, lines: 2 });
        expect(await archive.list(HOUR)).toEqual([kept]);
        expect([...(await subject.rawUnder(HOUR)).keys()]).not.toContain(emptied);
      });

      it('leaves no byte of a dropped id in any object or file under the hour', async () => {
        const many = Array.from({ length: 200 }, (_, i) =>
          archivedEvent(`2026-03-13T07:${String(i % 60).padStart(2, '0')}:00.000Z`, {
            userId: i % 3 === 0 ? GONE : `keep-${i}`,
          }),
        );
        await archive.append(many.slice(0, 100));
        await archive.append(many.slice(100));
        expect([...(await texts(HOUR)).values()].join('')).toContain(GONE);
        const result = await archive.rewriteHour(HOUR, dropGone);
        expect(result).toEqual({ objects: 2, lines: many.filter(dropGone).length });
        const all = await texts(HOUR);
        expect(all.size).toBe(2);
        for (const text of all.values()) {
          expect(text).not.toContain(GONE);
          expect(text).toContain('keep-');
        }
      });
    });
  });
}
