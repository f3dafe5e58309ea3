import { describe, expect, it } from 'vitest';

import { dropQueuedEvents } from '../../../src/core/queue/dropQueuedEvents.js';

const filter = {
  userIds: new Set(['gone']),
  receivedUpTo: Date.parse('2026-01-01T00:00:00.000Z'),
  fallbackReceivedAt: Date.parse('2025-12-31T00:00:00.000Z'),
};
const e = (userId: unknown, receivedAt?: unknown) => ({
  eventId: `${String(userId)}`,
  userId,
  receivedAt,
});

describe('dropQueuedEvents', () => {
  it('drops one event, from an array, from a packed body, and nothing else', () => {
    expect(dropQueuedEvents(e('gone', '2025-06-01T00:00:00Z'), filter)).toEqual({
      body: undefined,
      removed: 1,
    });
    const keep = e('stays', '2025-06-01T00:00:00Z');
    expect(dropQueuedEvents([e('gone', '2025-06-01T00:00:00Z'), keep], filter)).toEqual({
      body: [keep],
      removed: 1,
    });
    expect(
      dropQueuedEvents({ v: 2, events: [keep, e('gone', '2025-06-01T00:00:00Z')] }, filter),
    ).toEqual({
      body: { v: 2, events: [keep] },
      removed: 1,
    });
    expect(dropQueuedEvents([{ events: [e('gone', '2025-06-01T00:00:00Z')] }], filter)).toEqual({
      body: undefined,
      removed: 1,
    });
  });

  it('keeps events after the cut-off, of near ids, and what is not an event', () => {
    for (const body of [
      e('gone', '2026-01-01T00:00:00.001Z'),
      e('gone-2', '2025-06-01T00:00:00Z'),
      e(7, '2025-06-01T00:00:00Z'),
      'gone',
      null,
      { events: 'gone' },
    ]) {
      expect(dropQueuedEvents(body, filter)).toEqual({ body, removed: 0 });
    }
  });

  it('takes the fallback time for an event without a valid receivedAt', () => {
    expect(dropQueuedEvents(e('gone', 'soon'), filter).removed).toBe(1);
    expect(
      dropQueuedEvents(e('gone'), { ...filter, fallbackReceivedAt: filter.receivedUpTo + 1 })
        .removed,
    ).toBe(0);
  });
});
