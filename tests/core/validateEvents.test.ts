import { describe, expect, it } from 'vitest';

import { validateEvents, type Validation } from '../../src/core/validateEvents.js';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');
let n = 0;
const deps = (bodyBytes = 100) => ({
  now: NOW,
  newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  bodyBytes,
});
const ID = '3b241101-e2bb-4255-8caf-4136c566a962';

function events(v: Validation) {
  if (v.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(v)}`);
  return v;
}

describe('validateEvents', () => {
  it('accepts a single event and fills id, occurredAt and receivedAt', () => {
    const v = events(validateEvents({ userId: 'u1', type: 'page_view' }, deps()));
    expect(v.results).toEqual([
      { index: 0, eventId: expect.stringMatching(/^00000000-/), status: 'accepted' },
    ]);
    expect(v.accepted[0]).toMatchObject({
      userId: 'u1',
      type: 'page_view',
      occurredAt: '2026-11-24T12:00:00.000Z',
      receivedAt: '2026-11-24T12:00:00.000Z',
    });
  });

  it('keeps a client eventId as the idempotency key', () => {
    const v = events(validateEvents({ eventId: ID, userId: 'u1', type: 'click' }, deps()));
    expect(v.accepted[0]?.eventId).toBe(ID);
  });

  it('normalises an offset timestamp to UTC', () => {
    const v = events(
      validateEvents({ userId: 'u', type: 't', occurredAt: '2026-11-24T08:30:00+05:30' }, deps()),
    );
    expect(v.accepted[0]?.occurredAt).toBe('2026-11-24T03:00:00.000Z');
  });

  it('rejects a timestamp without an offset', () => {
    const v = events(
      validateEvents({ userId: 'u', type: 't', occurredAt: '2026-11-24T08:30:00' }, deps()),
    );
    expect(v.results[0]?.errors?.[0]).toMatchObject({ path: 'occurredAt' });
  });

  it('corrects client clock skew with sentAt', () => {
    // Client clock 10 minutes fast: sent "12:10", event 2 minutes before sending.
    const v = events(
      validateEvents(
        {
          sentAt: '2026-11-24T12:10:00Z',
          events: [{ userId: 'u', type: 't', occurredAt: '2026-11-24T12:08:00Z' }],
        },
        deps(),
      ),
    );
    expect(v.accepted[0]?.occurredAt).toBe('2026-11-24T11:58:00.000Z');
  });

  it('rejects events more than an hour in the future, after skew correction', () => {
    const later = new Date(NOW + 61 * 60_000).toISOString();
    const v = events(validateEvents({ userId: 'u', type: 't', occurredAt: later }, deps()));
    expect(v.results[0]).toMatchObject({
      status: 'rejected',
      errors: [{ path: 'occurredAt', code: 'too_far_in_future' }],
    });
    const justInside = new Date(NOW + 59 * 60_000).toISOString();
    expect(
      events(validateEvents({ userId: 'u', type: 't', occurredAt: justInside }, deps())).accepted,
    ).toHaveLength(1);
    // The same "future" time is fine when sentAt shows the client clock is 2 hours fast.
    const skewed = validateEvents(
      {
        sentAt: new Date(NOW + 2 * 3600_000).toISOString(),
        events: [{ userId: 'u', type: 't', occurredAt: later }],
      },
      deps(),
    );
    expect(events(skewed).accepted).toHaveLength(1);
  });

  it('names unknown top-level fields', () => {
    const v = events(validateEvents({ userId: 'u', type: 't', colour: 'red', size: 1 }, deps()));
    expect(v.results[0]?.errors).toEqual([
      { path: 'colour', code: 'unrecognized_key', message: 'unknown field "colour"' },
      { path: 'size', code: 'unrecognized_key', message: 'unknown field "size"' },
    ]);
  });

  it('reports every problem of an event at once', () => {
    const v = events(
      validateEvents({ userId: 'bad user!', type: 'Page View', amount: 'ten' }, deps()),
    );
    expect(v.results[0]?.errors?.map((e) => e.path).sort()).toEqual(['amount', 'type', 'userId']);
  });

  it.each([
    ['userId empty', { userId: '', type: 't' }, 'userId'],
    ['userId 129 chars', { userId: 'a'.repeat(129), type: 't' }, 'userId'],
    ['type 65 chars', { userId: 'u', type: 'a'.repeat(65) }, 'type'],
    ['type uppercase', { userId: 'u', type: 'Click' }, 'type'],
    ['eventId not a UUID', { eventId: 'abc', userId: 'u', type: 't' }, 'eventId'],
    [
      'property value too long',
      { userId: 'u', type: 't', properties: { k: 'x'.repeat(1025) } },
      'properties.k',
    ],
    ['nested property', { userId: 'u', type: 't', properties: { k: { a: 1 } } }, 'properties.k'],
    [
      'property key too long',
      { userId: 'u', type: 't', properties: { ['k'.repeat(65)]: 1 } },
      'properties.' + 'k'.repeat(65),
    ],
  ])('rejects %s', (_name, event, path) => {
    const v = events(validateEvents(event, deps()));
    expect(v.results[0]?.status).toBe('rejected');
    expect(v.results[0]?.errors?.map((e) => e.path)).toContain(path);
  });

  it('accepts the limits exactly', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`k${i}`, i % 2 ? 'v' : null]),
    );
    const v = events(
      validateEvents(
        { userId: 'a'.repeat(128), type: 'b'.repeat(64), amount: -1.5, properties },
        deps(),
      ),
    );
    expect(v.accepted).toHaveLength(1);
  });

  it('rejects 51 properties', () => {
    const properties = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 1]));
    const v = events(validateEvents({ userId: 'u', type: 't', properties }, deps()));
    expect(v.results[0]?.errors?.[0]).toMatchObject({ path: 'properties' });
  });

  it('rejects an event over 32 KiB serialised', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]),
    );
    const body = {
      events: [
        { userId: 'u', type: 't', properties },
        { userId: 'u', type: 't' },
      ],
    };
    const v = events(validateEvents(body, deps(JSON.stringify(body).length)));
    expect(v.results.map((r) => r.status)).toEqual(['rejected', 'accepted']);
    expect(v.results[0]?.errors?.[0]?.code).toBe('too_big');
  });

  it('gives each event of a mixed batch its own result', () => {
    const v = events(
      validateEvents(
        { events: [{ userId: 'u', type: 't' }, { userId: 'u' }, 42, { userId: 'v', type: 'x' }] },
        deps(),
      ),
    );
    expect(v.results.map((r) => [r.index, r.status])).toEqual([
      [0, 'accepted'],
      [1, 'rejected'],
      [2, 'rejected'],
      [3, 'accepted'],
    ]);
    expect(v.results[1]?.errors?.[0]?.path).toBe('type');
  });

  it('accepts a repeated eventId once and reports the repeat as a duplicate', () => {
    const v = events(
      validateEvents(
        {
          events: [
            { eventId: ID, userId: 'u', type: 't' },
            { eventId: ID, userId: 'u', type: 't' },
          ],
        },
        deps(),
      ),
    );
    expect(v.accepted).toHaveLength(1);
    expect(v.results[1]).toEqual({ index: 1, eventId: ID, status: 'duplicate', duplicateOf: 0 });
  });

  it.each([
    ['empty events', { events: [] }, 'events'],
    [
      '1001 events',
      { events: Array.from({ length: 1001 }, () => ({ userId: 'u', type: 't' })) },
      'events',
    ],
    ['unknown batch field', { events: [{ userId: 'u', type: 't' }], extra: 1 }, 'extra'],
    ['bad sentAt', { events: [{ userId: 'u', type: 't' }], sentAt: 'yesterday' }, 'sentAt'],
  ])('rejects the whole body for %s', (_name, body, path) => {
    const v = validateEvents(body, deps());
    expect(v.kind).toBe('invalidBody');
    if (v.kind === 'invalidBody') expect(v.errors[0]?.path).toBe(path);
  });

  it('rejects a body that is not an object', () => {
    expect(validateEvents([{ userId: 'u', type: 't' }], deps()).kind).toBe('invalidBody');
    expect(validateEvents('x', deps()).kind).toBe('invalidBody');
  });
});

describe('validateEvents: eventId case', () => {
  it('lower-cases ids on the fast path and the zod path, so case variants are one event', () => {
    const upper = ID.toUpperCase();
    // The second event has a property name over 64 UTF-16 units (but not code points): zod decides it.
    const zodOnly = {
      eventId: ID,
      userId: 'u',
      type: 't',
      properties: { ['\u{1F600}'.repeat(40)]: 1 },
    };
    const v = events(
      validateEvents(
        {
          events: [
            { eventId: upper, userId: 'u', type: 't' },
            zodOnly,
            { ...zodOnly, eventId: upper },
          ],
        },
        deps(),
      ),
    );
    expect(v.accepted.map((e) => e.eventId)).toEqual([ID]);
    expect(v.results.map((r) => [r.status, r.eventId])).toEqual([
      ['accepted', ID],
      ['duplicate', ID],
      ['duplicate', ID],
    ]);
  });

  it('rejects an event nested too deep to measure as too big, without throwing', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)) as unknown;
    const v = events(validateEvents({ events: [deep, { userId: 'u', type: 't' }] }, deps(2e6)));
    expect(v.results[0]).toMatchObject({ status: 'rejected', errors: [{ code: 'too_big' }] });
    expect(v.results[1]).toMatchObject({ status: 'accepted' });
  });
});
