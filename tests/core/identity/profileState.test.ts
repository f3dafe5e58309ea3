import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  emptyProfile,
  groupProfileWrite,
  joinProfiles,
  normaliseProfile,
  personProfileWrite,
  type ProfileState,
  type ProfileWrite,
  viewProfile,
} from '../../../src/core/identity/profileState.js';

const write = fc.record({
  eventId: fc.uuid(),
  occurredAt: fc
    .integer({ min: 0, max: 50 })
    .map((m) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString()),
  traits: fc.option(fc.dictionary(fc.constantFrom('plan', 'name', '__proto__'), fc.integer()), {
    nil: undefined,
  }),
  traitsOnce: fc.option(fc.dictionary(fc.constantFrom('plan', 'referrer'), fc.integer()), {
    nil: undefined,
  }),
  group: fc.option(
    fc.record({ type: fc.constantFrom('company', 'team'), id: fc.constantFrom('a', 'b') }),
    { nil: undefined },
  ),
}) as fc.Arbitrary<ProfileWrite>;

function fold(writes: readonly ProfileWrite[]): ProfileState {
  const state = emptyProfile();
  for (const w of writes) {
    const s = personProfileWrite(w);
    if (s) joinProfiles(state, s);
  }
  return state;
}

/** What the profile must show, from the writes sorted by time (not by joining). */
function expected(writes: readonly ProfileWrite[]) {
  const byTime = [...writes].sort((a, b) =>
    a.occurredAt === b.occurredAt
      ? a.eventId.localeCompare(b.eventId)
      : a.occurredAt.localeCompare(b.occurredAt),
  );
  // Null-prototype records, so that a trait named __proto__ is set as data here too.
  const traits = Object.create(null) as Record<string, unknown>;
  const groups = Object.create(null) as Record<string, string>;
  const plain = byTime.filter((w) => !w.group);
  for (const w of [...plain].reverse())
    for (const [k, v] of Object.entries(w.traitsOnce ?? {})) traits[k] = v;
  for (const w of plain) for (const [k, v] of Object.entries(w.traits ?? {})) traits[k] = v;
  for (const w of byTime) if (w.group) groups[w.group.type] = w.group.id;
  return { traits: { ...traits }, groups: { ...groups } };
}

describe('profileState', () => {
  it('gives the same profile whatever the order, duplicates included, as computed by time', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 12 }), fc.integer(), (writes, seed) => {
        const shuffled = [...writes, ...writes.slice(0, 3)].sort(
          (a, b) =>
            ((a.eventId.charCodeAt(seed & 7) ^ seed) & 3) -
            ((b.eventId.charCodeAt(seed & 7) ^ seed) & 3),
        );
        const a = viewProfile(fold(writes));
        const b = viewProfile(fold(shuffled));
        expect(b).toEqual(a);
        expect({ traits: a.traits, groups: a.groups }).toEqual(expected(writes));
      }),
    );
  });

  it('joins states commutatively, associatively and idempotently (a link merges two profiles)', () => {
    fc.assert(
      fc.property(
        fc.array(write, { maxLength: 5 }),
        fc.array(write, { maxLength: 5 }),
        fc.array(write, { maxLength: 5 }),
        (x, y, z) => {
          const join = (...parts: ProfileState[]) => {
            const out = emptyProfile();
            for (const p of parts) joinProfiles(out, p);
            return viewProfile(out);
          };
          const [a, b, c] = [fold(x), fold(y), fold(z)];
          expect(join(a, b)).toEqual(join(b, a));
          expect(join(a, b, c)).toEqual(join(c, b, a));
          expect(join(a, a)).toEqual(viewProfile(a));
          expect(viewProfile(fold([...x, ...y]))).toEqual(join(a, b));
        },
      ),
    );
  });

  it('says whether a join changed anything, and keeps __proto__ as a plain key', () => {
    const state = fold([
      { eventId: 'e1', occurredAt: '2026-01-01T00:00:00.000Z', traits: { plan: 'pro' } },
    ]);
    const same = fold([
      { eventId: 'e1', occurredAt: '2026-01-01T00:00:00.000Z', traits: { plan: 'pro' } },
    ]);
    expect(joinProfiles(state, same)).toBe(false);
    const parsed = normaliseProfile(
      JSON.parse('{"set":{"__proto__":{"v":1,"at":"2026-01-01T00:00:00.000Z","e":"x"}}}') as never,
    );
    expect(Object.getPrototypeOf(parsed.set)).toBeNull();
    expect(viewProfile(parsed).traits).toEqual(JSON.parse('{"__proto__":1}'));
  });

  it('gives a group call its traits on the group, and only the group id to the person', () => {
    const call = {
      eventId: 'e1',
      occurredAt: '2026-01-01T00:00:00.000Z',
      traits: { seats: 3 },
      group: { type: 'company', id: 'acme' },
    };
    expect(viewProfile(personProfileWrite(call)!)).toEqual({
      traits: {},
      groups: { company: 'acme' },
      updatedAt: call.occurredAt,
    });
    expect(viewProfile(groupProfileWrite(call)!).traits).toEqual({ seats: 3 });
    expect(groupProfileWrite({ ...call, group: undefined })).toBeUndefined();
    expect(personProfileWrite({ eventId: 'e2', occurredAt: call.occurredAt })).toBeUndefined();
  });
});
