import { describe, expect, it } from 'vitest';

import { derivedEventId } from '../../../src/core/compat/compatEventId.js';
import { mapSegmentMessage } from '../../../src/core/compat/mapSegmentMessage.js';
import { eventSchema } from '../../../src/core/event.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const deps = { now, keyId: 'key-1', newId: () => '00000000-0000-4000-8000-000000000001' };

describe('mapSegmentMessage', () => {
  it('maps a track call: type from the event name, amount, properties, context and integrations as sent', () => {
    const properties = { revenue: 12.5, total: 99, products: [{ sku: 'x', tags: ['a'] }] };
    const context = { library: { name: 'analytics-node', version: '3.1.0' } };
    const result = mapSegmentMessage(
      {
        type: 'track',
        messageId: 'msg-1',
        userId: 'u-1',
        anonymousId: 'a-1',
        event: 'Order Completed',
        timestamp: '2026-11-24T11:00:00.000Z',
        properties,
        context,
        integrations: { All: false },
        writeKey: 'secret',
      },
      {},
      deps,
    );
    expect(result).toStrictEqual({
      ok: true,
      messageId: 'msg-1',
      event: {
        eventId: derivedEventId('key-1', 'msg-1'),
        userId: 'u-1',
        type: 'order_completed',
        occurredAt: '2026-11-24T11:00:00.000Z',
        amount: 12.5,
        properties,
        context: {
          library: { name: 'analytics-node', version: '3.1.0' },
          segment: { type: 'track', messageId: 'msg-1', event: 'Order Completed' },
        },
        integrations: { All: false },
        link: { previousId: 'anon:a-1', via: 'identify' },
      },
    });
    // stored as sent: the very object, nothing flattened
    if (result.ok) {
      expect(result.event.properties).toBe(properties);
      expect(eventSchema.safeParse(result.event).success).toBe(true);
    }
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

  it('marks an anonymous user so it never mixes with a real userId; page name and category in properties', () => {
    const r = mapSegmentMessage(
      {
        type: 'page',
        anonymousId: 'abc',
        name: 'Home',
        category: 'Docs',
        properties: { path: '/' },
      },
      {},
      deps,
    );
    expect(r).toMatchObject({
      ok: true,
      event: {
        userId: 'anon:abc',
        type: 'page',
        properties: { path: '/', name: 'Home', category: 'Docs' },
      },
    });
    if (r.ok) expect(r.event.link).toBeUndefined();
    // analytics.js already puts them in properties: those win
    const ajs = mapSegmentMessage(
      { type: 'screen', userId: 'u', name: 'Cart', properties: { name: 'Cart (2)' } },
      {},
      deps,
    );
    expect(ajs).toMatchObject({ ok: true, event: { properties: { name: 'Cart (2)' } } });
  });

  it('keeps identify traits as traits, group traits with the group, context.traits in context', () => {
    const traits = { plan: 'pro', address: { city: 'Oslo' } };
    const identify = mapSegmentMessage(
      {
        type: 'identify',
        userId: 'ann+test@example.com',
        anonymousId: 'anon-7',
        traits,
        context: { traits: { plan: 'free' } },
      },
      {},
      deps,
    );
    expect(identify).toMatchObject({
      ok: true,
      event: {
        userId: 'ann+test@example.com',
        type: 'identify',
        traits,
        context: { traits: { plan: 'free' }, segment: { type: 'identify' } },
        link: { previousId: 'anon:anon-7', via: 'identify' },
      },
    });
    const group = mapSegmentMessage(
      { type: 'group', userId: 'u', groupId: 42, traits: { name: 'Initech' } },
      {},
      deps,
    );
    expect(group).toMatchObject({
      ok: true,
      event: {
        type: 'group',
        group: { type: 'group', id: '42' },
        traits: { name: 'Initech' },
      },
    });
  });

  it('maps alias to a link, the anonymous id as previousId getting its anon: prefix', () => {
    const alias = mapSegmentMessage(
      { userId: 'u', previousId: 'old' },
      { callType: 'alias' },
      deps,
    );
    expect(alias).toMatchObject({
      ok: true,
      event: { type: 'alias', userId: 'u', link: { previousId: 'old', via: 'alias' } },
    });
    // analytics.js: alias('u') before any identify sends the anonymousId as previousId
    const ajs = mapSegmentMessage(
      { type: 'alias', userId: 'u', previousId: 'a-9', anonymousId: 'a-9' },
      {},
      deps,
    );
    expect(ajs).toMatchObject({
      ok: true,
      event: { link: { previousId: 'anon:a-9', via: 'alias' } },
    });
    const self = mapSegmentMessage({ type: 'alias', userId: 'u', previousId: 'u' }, {}, deps);
    expect(self.ok && self.event.link).toBe(undefined);
  });

  it('accepts real-world user ids: Auth0, e-mail with +, Unicode, URL-like', () => {
    for (const userId of [
      'google-oauth2|103476123456789012345',
      'ann+test@example.com',
      'Ærøskøbing 😀',
      'https://id.example/u?x=1#frag',
      'a/b\\c',
      'x'.repeat(255),
    ]) {
      const r = mapSegmentMessage({ type: 'track', event: 'e', userId }, {}, deps);
      expect(r).toMatchObject({ ok: true, event: { userId } });
      if (r.ok) expect(eventSchema.safeParse(r.event).success).toBe(true);
    }
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
    expect(reject({ type: 'track', event: 'e', userId: 'a\nb' })).toMatchObject({
      path: 'userId',
      code: 'invalid_user_id',
    });
    expect(reject({ type: 'track', event: 'e', userId: 'x'.repeat(256) })).toMatchObject({
      code: 'invalid_user_id',
    });
    expect(reject({ type: 'track', event: 'e', anonymousId: 'x'.repeat(251) })).toMatchObject({
      path: 'anonymousId',
      code: 'invalid_user_id',
    });
    expect(reject({ type: 'track', event: 'e', userId: 'u', properties: [1] })).toMatchObject({
      path: 'properties',
      code: 'invalid_type',
    });
    expect(reject({ type: 'alias', userId: 'u' })).toMatchObject({
      path: 'previousId',
      code: 'required',
    });
    expect(reject({ type: 'group', userId: 'u' })).toMatchObject({
      path: 'groupId',
      code: 'required',
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
      event: { context: { locale: 'nb-NO', app: { name: 'shop' } } },
    });
  });

  it('keeps unknown top-level fields in context.segment', () => {
    const r = mapSegmentMessage(
      { type: 'screen', userId: 'u', name: 'Cart', custom: { a: 1 } },
      {},
      deps,
    );
    expect(r).toMatchObject({
      ok: true,
      event: { type: 'screen', context: { segment: { type: 'screen', custom: { a: 1 } } } },
    });
  });

  it('keeps __proto__ and constructor keys as data, never as prototypes', () => {
    const raw = JSON.parse(
      '{"type":"track","event":"e","userId":"u","properties":{"__proto__":{"admin":true},"constructor":1},' +
        '"context":{"__proto__":{"polluted":1}},"__proto__":{"x":1}}',
    ) as unknown;
    const r = mapSegmentMessage(raw, {}, deps);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.event.context)).toBe(Object.prototype);
    expect(Object.keys(r.event.context!)).toEqual(['__proto__', 'segment']);
    expect(JSON.stringify(r.event.context)).toBe(
      '{"__proto__":{"polluted":1},"segment":{"type":"track","event":"e","__proto__":{"x":1}}}',
    );
    expect(JSON.stringify(r.event.properties)).toBe('{"__proto__":{"admin":true},"constructor":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(eventSchema.safeParse(r.event).success).toBe(true);
  });
});
