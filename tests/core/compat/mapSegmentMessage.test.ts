import { describe, expect, it } from 'vitest';

import { derivedEventId } from '../../../src/core/compat/compatEventId.js';
import { mapSegmentMessage } from '../../../src/core/compat/mapSegmentMessage.js';
import { eventSchema } from '../../../src/core/event.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const deps = { now, keyId: 'key-1', newId: () => '00000000-0000-4000-8000-000000000001' };

describe('mapSegmentMessage', () => {
  it('maps a track call: type from the event name, original name, amount, flattened properties, context', () => {
    const result = mapSegmentMessage(
      {
        type: 'track',
        messageId: 'msg-1',
        userId: 'u-1',
        anonymousId: 'a-1',
        event: 'Order Completed',
        timestamp: '2026-11-24T11:00:00.000Z',
        properties: { revenue: 12.5, total: 99, products: [{ sku: 'x' }] },
        context: { library: { name: 'analytics-node', version: '3.1.0' } },
        integrations: { All: false },
      },
      {},
      deps,
    );
    expect(result).toEqual({
      ok: true,
      messageId: 'msg-1',
      event: {
        eventId: derivedEventId('key-1', 'msg-1'),
        userId: 'u-1',
        type: 'order_completed',
        occurredAt: '2026-11-24T11:00:00.000Z',
        amount: 12.5,
        properties: {
          'segment.type': 'track',
          'segment.messageId': 'msg-1',
          'segment.event': 'Order Completed',
          'segment.anonymousId': 'a-1',
          revenue: 12.5,
          total: 99,
          'products.0.sku': 'x',
          'context.library.name': 'analytics-node',
          'context.library.version': '3.1.0',
        },
      },
    });
    if (result.ok) expect(eventSchema.safeParse(result.event).success).toBe(true);
  });

  it('takes amount from total, else value, skipping what is not a number', () => {
    const amount = (properties: object) => {
      const r = mapSegmentMessage({ type: 'track', event: 'e', userId: 'u', properties }, {}, deps);
      return r.ok ? r.event.amount : 'rejected';
    };
    expect(amount({ revenue: 'n/a', total: 7 })).toBe(7);
    expect(amount({ value: '3.25' })).toBe(3.25);
    expect(amount({ value: 'blue' })).toBeUndefined();
  });

  it('marks an anonymous user so it never mixes with a real userId', () => {
    const r = mapSegmentMessage({ type: 'page', anonymousId: 'abc', name: 'Home' }, {}, deps);
    expect(r).toMatchObject({
      ok: true,
      event: { userId: 'anon:abc', type: 'page', properties: { 'segment.name': 'Home' } },
    });
  });

  it('gives identify, group and alias types of their own and keeps traits', () => {
    const identify = mapSegmentMessage(
      { type: 'identify', userId: 'u', traits: { plan: 'pro', address: { city: 'Oslo' } } },
      {},
      deps,
    );
    expect(identify).toMatchObject({
      ok: true,
      event: {
        type: 'identify',
        properties: { 'traits.plan': 'pro', 'traits.address.city': 'Oslo' },
      },
    });
    const group = mapSegmentMessage({ type: 'group', userId: 'u', groupId: 'g1' }, {}, deps);
    expect(group).toMatchObject({
      ok: true,
      event: { type: 'group', properties: { 'segment.groupId': 'g1' } },
    });
    const alias = mapSegmentMessage(
      { userId: 'u', previousId: 'old' },
      { callType: 'alias' },
      deps,
    );
    expect(alias).toMatchObject({
      ok: true,
      event: { type: 'alias', properties: { 'segment.previousId': 'old' } },
    });
  });

  it('corrects the timestamp for clock skew with the message sentAt, else the batch sentAt', () => {
    const base = { type: 'track', event: 'e', userId: 'u', timestamp: '2026-11-24T12:59:00Z' };
    // The client's clock is one hour fast: it sent at 13:00 its time, we received at 12:00.
    const own = mapSegmentMessage({ ...base, sentAt: '2026-11-24T13:00:00Z' }, {}, deps);
    expect(own).toMatchObject({ ok: true, event: { occurredAt: '2026-11-24T11:59:00.000Z' } });
    const batch = mapSegmentMessage(base, { batchSentAt: '2026-11-24T13:00:00+00:00' }, deps);
    expect(batch).toMatchObject({ ok: true, event: { occurredAt: '2026-11-24T11:59:00.000Z' } });
  });

  it('derives the same eventId for the same key and messageId, another for another key', () => {
    const msg = { type: 'track', event: 'e', userId: 'u', messageId: 'ajs-next-123' };
    const a = mapSegmentMessage(msg, {}, deps);
    const b = mapSegmentMessage(msg, {}, deps);
    const c = mapSegmentMessage(msg, {}, { ...deps, keyId: 'key-2' });
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.event.eventId).toBe(b.event.eventId);
      expect(c.event.eventId).not.toBe(a.event.eventId);
    }
  });

  it('rejects with the field and the rule', () => {
    const reject = (raw: unknown) => {
      const r = mapSegmentMessage(raw, {}, deps);
      return r.ok ? undefined : r.errors[0];
    };
    expect(reject({ type: 'track', userId: 'u' })).toMatchObject({
      path: 'event',
      code: 'required',
    });
    expect(reject({ type: 'track', event: '!!!', userId: 'u' })).toMatchObject({
      code: 'invalid_event_name',
    });
    expect(reject({ type: 'track', event: 'e' })).toMatchObject({
      path: 'userId',
      code: 'required',
    });
    expect(reject({ type: 'track', event: 'e', userId: 'a b' })).toMatchObject({
      code: 'invalid_user_id',
    });
    expect(reject({ type: 'bogus', userId: 'u' })).toMatchObject({ path: 'type' });
    expect(
      reject({ type: 'track', event: 'e', userId: 'u', messageId: 'm'.repeat(101) }),
    ).toMatchObject({
      path: 'messageId',
    });
    expect(
      reject({ type: 'track', event: 'e', userId: 'u', timestamp: 'yesterday' }),
    ).toMatchObject({
      path: 'timestamp',
      code: 'invalid_timestamp',
    });
    expect(reject('not a message')).toMatchObject({ code: 'invalid_type' });
  });

  it('merges the batch context into the message context, the message winning', () => {
    const r = mapSegmentMessage(
      { type: 'track', event: 'e', userId: 'u', context: { locale: 'nb-NO' } },
      { batchContext: { locale: 'en-US', app: { name: 'shop' } } },
      deps,
    );
    expect(r).toMatchObject({
      ok: true,
      event: { properties: { 'context.locale': 'nb-NO', 'context.app.name': 'shop' } },
    });
  });

  it('keeps unknown top-level fields under segment.', () => {
    const r = mapSegmentMessage(
      { type: 'screen', userId: 'u', name: 'Cart', custom: { a: 1 } },
      {},
      deps,
    );
    expect(r).toMatchObject({
      ok: true,
      event: { type: 'screen', properties: { 'segment.custom.a': 1 } },
    });
  });
});
