import fc from 'fast-check';
import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';

import { canonicalJson } from '../../../src/core/import/canonicalJson.js';
import { createOccurrenceCounter } from '../../../src/core/import/occurrenceCounter.js';
import { createRowIdentity } from '../../../src/core/import/rowIdentity.js';

describe('createRowIdentity', () => {
  const a = { userId: 'u1', type: 'page_view', occurredAt: '2026-11-01T10:00:00Z' };
  const b = { userId: 'u2', type: 'click' };

  it('gives a v5 UUID that depends on content, not key order, and on the occurrence among identical rows', () => {
    const first = createRowIdentity();
    const ids = [first(a), first(b), first({ ...a }), first(a)];
    expect(ids.every((id) => validate(id) && version(id) === 5)).toBe(true);
    expect(new Set(ids).size).toBe(4);

    const second = createRowIdentity();
    const reordered = { occurredAt: a.occurredAt, type: a.type, userId: a.userId };
    expect([second(reordered), second(b), second(a), second(a)]).toEqual(ids);
  });

  it('editing one row changes only that row’s id', () => {
    const rows = [a, b, a, { userId: 'u3', type: 'x' }];
    const before = rows.map(createRowIdentity());
    const edited = [a, { ...b, type: 'purchase' }, a, rows[3]!];
    const after = edited.map(createRowIdentity());
    expect(after.filter((id, i) => id !== before[i])).toEqual([after[1]]);
  });

  it('canonicalJson sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });
});

describe('createOccurrenceCounter', () => {
  it('keeps the key (0, 0), which marks empty slots, apart from (0, 1)', () => {
    const counter = createOccurrenceCounter(4);
    expect(
      [0, 1, 0, 0, 0, 1, 0, 0].reduce<number[]>((seen, _, i, keys) => {
        if (i % 2 === 0) seen.push(counter.next(keys[i]!, keys[i + 1]!));
        return seen;
      }, []),
    ).toEqual([0, 0, 1, 1]);
    expect(counter.distinct).toBe(2);
  });

  it('counts like a Map through many growths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.nat(3)), { maxLength: 3000 }),
        (keys) => {
          const counter = createOccurrenceCounter(4);
          const reference = new Map<string, number>();
          for (const [hi, lo] of keys) {
            const key = `${hi}:${lo}`;
            const seen = reference.get(key) ?? 0;
            expect(counter.next(hi, lo)).toBe(seen);
            reference.set(key, seen + 1);
          }
          expect(counter.distinct).toBe(reference.size);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps the key (0, 0) apart from the empty slots', () => {
    const counter = createOccurrenceCounter(4);
    expect([counter.next(0, 0), counter.next(0, 0), counter.next(0, 2)]).toEqual([0, 1, 0]);
  });
});
