import { describe, expect, it } from 'vitest';

import { suppressEvents } from '../../../src/core/privacy/suppressEvents.js';
import { validateEvents } from '../../../src/core/validateEvents.js';

const now = Date.parse('2026-12-04T12:00:00Z');
const batch = (events: unknown[]) => {
  let n = 0;
  const v = validateEvents({ events }, { now, newId: () => `id-${++n}`, bodyBytes: 0 });
  if (v.kind !== 'events') throw new Error('invalid batch');
  return v;
};
const event = (userId: string, eventId?: string) => ({
  userId,
  type: 'view',
  occurredAt: '2026-12-04T11:00:00Z',
  ...(eventId ? { eventId } : {}),
});

describe('suppressEvents', () => {
  it('rejects the suppressed user per event and keeps the others', () => {
    const v = batch([event('kept'), event('gone'), event('kept')]);
    const out = suppressEvents(v.accepted, v.results, new Set(['gone']));
    expect(out.accepted.map((e) => e.userId)).toEqual(['kept', 'kept']);
    expect(out.suppressed).toBe(1);
    expect(out.results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(out.results[1]?.errors?.[0]).toMatchObject({ path: 'userId', code: 'suppressed' });
  });

  it('rejects a duplicate of a suppressed event too, and leaves other rejections as they were', () => {
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    const v = batch([event('gone', id), event('gone', id), { userId: '' }]);
    const out = suppressEvents(v.accepted, v.results, new Set(['gone']));
    expect(out.accepted).toEqual([]);
    expect(out.results.map((r) => r.errors?.[0]?.code)).toEqual([
      'suppressed',
      'suppressed',
      v.results[2]?.errors?.[0]?.code,
    ]);
    expect(out.results[2]?.errors?.[0]?.code).not.toBe('suppressed');
  });

  it('rejects an event that names a suppressed id only as the id it links', () => {
    const v = batch([
      { ...event('new-login'), link: { previousId: 'gone', via: 'identify' } },
      { ...event('other'), link: { previousId: 'anon:x', via: 'identify' } },
    ]);
    const out = suppressEvents(v.accepted, v.results, new Set(['gone']));
    expect(out.accepted.map((e) => e.userId)).toEqual(['other']);
    expect(out.results[0]?.errors?.[0]).toMatchObject({
      path: 'link.previousId',
      code: 'suppressed',
    });
  });

  it('changes nothing with an empty list or no match', () => {
    const v = batch([event('a'), event('b')]);
    expect(suppressEvents(v.accepted, v.results, new Set()).results).toEqual(v.results);
    expect(suppressEvents(v.accepted, v.results, new Set(['c'])).accepted).toEqual(v.accepted);
  });
});
