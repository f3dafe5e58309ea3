import { describe, expect, it } from 'vitest';

import { mergeScorePages } from '../../../src/core/identity/mergeScorePages.js';
import { scoredEvent } from '../../adapters/storeContract.js';

describe('mergeScorePages', () => {
  it("takes the newest of every id's page, ties broken by eventId, with a cursor when more follow", () => {
    const at = '2026-03-01T10:00:00.000Z';
    const a = [
      scoredEvent('a', '2026-03-01T12:00:00.000Z'),
      scoredEvent('a', at, { eventId: 'b' }),
    ];
    const b = [
      scoredEvent('b', at, { eventId: 'c' }),
      scoredEvent('b', '2026-03-01T09:00:00.000Z'),
    ];
    const page = mergeScorePages([a, b], 3);
    expect(page.items.map((e) => e.eventId)).toEqual([a[0]!.eventId, 'c', 'b']);
    expect(page.next).toEqual({ occurredAt: at, eventId: 'b' });
    expect(mergeScorePages([a, b], 4).next).toBeUndefined();
    expect(mergeScorePages([[], []], 2)).toEqual({ items: [] });
  });
});
