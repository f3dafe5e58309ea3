import { describe, expect, it } from 'vitest';

import { derivedEventId } from '../../../src/core/compat/compatEventId.js';
import { mapPosthogMessage } from '../../../src/core/compat/mapPosthogMessage.js';
import { toEventType } from '../../../src/core/compat/toEventType.js';
import { eventSchema } from '../../../src/core/event.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const deps = { now, keyId: 'key-1', newId: () => '00000000-0000-4000-8000-000000000001' };

describe('toEventType', () => {
  it('normalises names to our type rule and prefixes PostHog $ names', () => {
    expect(toEventType('Order Completed')).toBe('order_completed');
    expect(toEventType('  Signed Up! (v2) ')).toBe('signed_up_v2');
    expect(toEventType('$pageview')).toBe('ph:pageview');
    expect(toEventType('$feature_flag_called')).toBe('ph:feature_flag_called');
    expect(toEventType('checkout:step-1.done')).toBe('checkout:step-1.done');
    expect(toEventType('x'.repeat(80))).toHaveLength(64);
    expect(toEventType('!!!')).toBeUndefined();
  });
});

describe('mapPosthogMessage', () => {
  it('maps a capture: distinct_id, $ event, uuid kept lower-cased, properties without the token', () => {
    const uuid = '0190F3C2-7B1E-7A11-9C2B-1234567890AB';
    const r = mapPosthogMessage(
      {
        event: '$pageview',
        distinct_id: 'user_1',
        uuid,
        timestamp: '2026-11-24T11:30:00Z',
        properties: {
          $current_url: 'https://x.test/',
          $lib: 'posthog-node',
          token: 'secret',
          cart: { total: 3 },
        },
        library: 'posthog-node',
        type: 'capture',
      },
      {},
      deps,
    );
    expect(r).toEqual({
      ok: true,
      messageId: uuid,
      event: {
        eventId: uuid.toLowerCase(),
        userId: 'user_1',
        type: 'ph:pageview',
        occurredAt: '2026-11-24T11:30:00.000Z',
        properties: {
          'posthog.event': '$pageview',
          'posthog.library': 'posthog-node',
          $current_url: 'https://x.test/',
          $lib: 'posthog-node',
          'cart.total': 3,
        },
      },
    });
    if (r.ok) expect(eventSchema.safeParse(r.event).success).toBe(true);
  });

  it('derives the eventId of a uuid that is not a UUID and keeps the original', () => {
    const r = mapPosthogMessage({ event: 'e', distinct_id: 'u', uuid: 'client-42' }, {}, deps);
    expect(r).toMatchObject({
      ok: true,
      event: {
        eventId: derivedEventId('key-1', 'client-42'),
        properties: { 'posthog.uuid': 'client-42' },
      },
    });
  });

  it('reads distinct_id from properties, $set as person properties, amount as for Segment', () => {
    const r = mapPosthogMessage(
      { event: '$identify', properties: { distinct_id: 'u9', $set: { email: 'a@b.c' }, value: 4 } },
      {},
      deps,
    );
    expect(r).toMatchObject({
      ok: true,
      event: {
        userId: 'u9',
        type: 'ph:identify',
        amount: 4,
        properties: { '$set.email': 'a@b.c' },
      },
    });
    if (r.ok) expect(r.event.properties).not.toHaveProperty('distinct_id');
  });

  it('corrects for skew with the batch sent_at', () => {
    const r = mapPosthogMessage(
      { event: 'e', distinct_id: 'u', timestamp: '2026-11-24T12:10:00Z' },
      { batchSentAt: '2026-11-24T12:30:00Z' },
      deps,
    );
    expect(r).toMatchObject({ ok: true, event: { occurredAt: '2026-11-24T11:40:00.000Z' } });
  });

  it('rejects with the field and the rule', () => {
    const reject = (raw: unknown) => {
      const r = mapPosthogMessage(raw, {}, deps);
      return r.ok ? undefined : r.errors[0];
    };
    expect(reject({ distinct_id: 'u' })).toMatchObject({ path: 'event', code: 'required' });
    expect(reject({ event: 'e' })).toMatchObject({
      path: 'properties.distinct_id',
      code: 'required',
    });
    expect(reject({ event: 'e', distinct_id: 'u', properties: [] })).toMatchObject({
      path: 'properties',
    });
    expect(
      reject({ event: 'e', distinct_id: 'u', sent_at: 'later', timestamp: '2026-11-24T12:00:00Z' }),
    ).toMatchObject({ path: 'sent_at' });
  });
});
