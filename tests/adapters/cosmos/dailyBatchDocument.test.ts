import { describe, expect, it } from 'vitest';

import {
  batchDocuments,
  dayEvents,
  type DayRow,
} from '../../../src/adapters/cosmos/dailyBatchDocument.js';
import { scoredEvent } from '../storeContract.js';

const on = (day: string, minute = 0) => `${day}T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('batchDocuments', () => {
  it('writes one document per day, with an id that depends only on the events it holds', () => {
    const a = scoredEvent('u1', on('2026-03-01'));
    const b = scoredEvent('u2', on('2026-03-01', 1), {
      challenger: { name: 'next', version: '2', score: 0.9 },
    });
    const c = scoredEvent('u1', on('2026-03-02'));
    const docs = batchDocuments([a, b, c], new Set([a.eventId]));
    expect(docs.map((d) => [d.day, d.ev.length])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-02', 1],
    ]);
    const ids = (list: { id: string }[]) => list.map((d) => d.id).sort();
    expect(ids(batchDocuments([c, b, a], undefined))).toEqual(ids(docs));
    expect(batchDocuments([a], undefined)[0]!.id).not.toBe(docs[0]!.id);
    const first = docs[0]!;
    expect(first.ms).toEqual(['baseline@1', 'next@2']);
    const entryOf = (id: string) => first.ev.find((e) => e[0] === id);
    expect(entryOf(a.eventId)).toEqual([a.eventId, 'u1', 'purchase', 0, 0.42, null, null, 1]);
    expect(entryOf(b.eventId)).toEqual([b.eventId, 'u2', 'purchase', 0, 0.42, 1, 0.9, 0]);
  });

  it('splits a day of more than 500 events into several documents', () => {
    const many = Array.from({ length: 1201 }, (_, i) => scoredEvent(`u${i}`, on('2026-03-01')));
    expect(batchDocuments(many, undefined).map((d) => d.ev.length)).toEqual([500, 500, 201]);
  });
});

describe('dayEvents', () => {
  it('counts an event once across documents, with the values of the write that stored it', () => {
    const a = scoredEvent('u1', on('2026-03-01'));
    const b = scoredEvent('u2', on('2026-03-01'));
    const redelivered = { ...b, type: 'changed' };
    const rows = [
      ...batchDocuments([redelivered], new Set()),
      ...batchDocuments([a, b], new Set([a.eventId, b.eventId])),
    ] as DayRow[];
    const events = dayEvents(rows);
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.t).sort()).toEqual(['purchase', 'purchase']);
  });

  it('reads the per-event documents written before batch documents', () => {
    const legacy: DayRow = { id: 'e1', k: 'e', u: 'u9', t: 'click', m: 'baseline@1', s: 0.1 };
    const b = scoredEvent('u1', on('2026-03-01'));
    expect(dayEvents([legacy, ...(batchDocuments([b], undefined) as DayRow[])])).toEqual([
      { u: 'u9', t: 'click', m: 'baseline@1', s: 0.1 },
      { u: 'u1', t: 'purchase', m: 'baseline@1', s: 0.42 },
    ]);
  });
});
