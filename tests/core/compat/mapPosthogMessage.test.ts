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
  it('maps a capture: distinct_id, $ event, uuid kept lower-cased, $ properties in context, the token dropped', () => {
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
          $token: 'secret',
          cart: { total: 3, items: [{ sku: 'a' }] },
          $groups: { company: 'acme' },
        },
        library: 'posthog-node',
        type: 'capture',
        api_key: 'secret',
      },
      {},
      deps,
    );
    expect(r).toStrictEqual({
      ok: true,
      messageId: uuid,
      event: {
        eventId: uuid.toLowerCase(),
        userId: 'user_1',
        type: 'ph:pageview',
        occurredAt: '2026-11-24T11:30:00.000Z',
        properties: { cart: { total: 3, items: [{ sku: 'a' }] }, $groups: { company: 'acme' } },
        context: {
          $current_url: 'https://x.test/',
          $lib: 'posthog-node',
          posthog: { event: '$pageview', library: 'posthog-node' },
        },
      },
    });
    if (r.ok) expect(eventSchema.safeParse(r.event).success).toBe(true);
    expect(JSON.stringify(r)).not.toContain('secret');
  });

  it('derives the eventId of a uuid that is not a UUID and keeps the original', () => {
    const r = mapPosthogMessage({ event: 'e', distinct_id: 'u', uuid: 'client-42' }, {}, deps);
    expect(r).toMatchObject({
      ok: true,
      event: {
        eventId: derivedEventId('key-1', 'client-42'),
        context: { posthog: { event: 'e', uuid: 'client-42' } },
      },
    });
  });

  it('maps $identify: $set to traits, $set_once to traitsOnce, $anon_distinct_id to a link', () => {
    const $set_once = Object.fromEntries(
      Array.from({ length: 62 }, (_, i) => [`$initial_prop_${i}`, `v${i}`]),
    );
    const r = mapPosthogMessage(
      {
        event: '$identify',
        properties: {
          distinct_id: 'u9',
          $anon_distinct_id: '0190f3c2-0000-7000-8000-000000000001',
          $set: { email: 'a@b.c', address: { city: 'Oslo' } },
          $set_once,
          value: 4,
        },
        $set: { plan: 'pro', email: 'old@b.c' },
      },
      {},
      deps,
    );
    expect(r).toMatchObject({
      ok: true,
      event: {
        userId: 'u9',
        type: 'ph:identify',
        amount: 4,
        properties: { value: 4 },
        traits: { plan: 'pro', email: 'a@b.c', address: { city: 'Oslo' } },
        traitsOnce: $set_once,
        link: { previousId: '0190f3c2-0000-7000-8000-000000000001', via: 'identify' },
      },
    });
    if (r.ok) {
      expect(r.event.properties).not.toHaveProperty('distinct_id');
      expect(r.event.context).not.toHaveProperty('$set');
      expect(r.event.context).not.toHaveProperty('$anon_distinct_id');
      expect(eventSchema.safeParse(r.event).success).toBe(true);
    }
  });

  it('maps $create_alias to a link and $groupidentify to a group with its traits', () => {
    const alias = mapPosthogMessage(
      { event: '$create_alias', distinct_id: 'u1', properties: { alias: 'u1-other' } },
      {},
      deps,
    );
    expect(alias).toMatchObject({
      ok: true,
      event: { type: 'ph:create_alias', link: { previousId: 'u1-other', via: 'alias' } },
    });
    const group = mapPosthogMessage(
      {
        event: '$groupidentify',
        distinct_id: 'u1',
        properties: {
          $group_type: 'company',
          $group_key: 'acme',
          $group_set: { name: 'Acme', seats: 12 },
          $lib: 'web',
        },
      },
      {},
      deps,
    );
    expect(group).toStrictEqual({
      ok: true,
      messageId: null,
      event: {
        eventId: deps.newId(),
        userId: 'u1',
        type: 'ph:groupidentify',
        context: { $lib: 'web', posthog: { event: '$groupidentify' } },
        traits: { name: 'Acme', seats: 12 },
        group: { type: 'company', id: 'acme' },
      },
    });
  });

  it('keeps autocapture $elements as sent, in context', () => {
    const $elements = [
      { tag_name: 'button', $el_text: 'Buy', attr__class: 'btn primary', nth_child: 1 },
      { tag_name: 'div', attr__id: 'cart', nth_of_type: 2 },
    ];
    const r = mapPosthogMessage(
      { event: '$autocapture', distinct_id: 'u', properties: { $event_type: 'click', $elements } },
      {},
      deps,
    );
    expect(r).toMatchObject({ ok: true, event: { context: { $event_type: 'click', $elements } } });
    if (r.ok) expect(r.event.context!.$elements).toBe($elements);
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
    expect(reject({ event: 'e', distinct_id: 'u', properties: { $set: 'email' } })).toMatchObject({
      path: 'properties.$set',
      code: 'invalid_type',
    });
    expect(reject({ event: '$create_alias', distinct_id: 'u' })).toMatchObject({
      path: 'properties.alias',
      code: 'required',
    });
    expect(
      reject({ event: '$groupidentify', distinct_id: 'u', properties: { $group_key: 'k' } }),
    ).toMatchObject({ path: 'properties.$group_type' });
    expect(reject({ event: 'e', distinct_id: 'bad\u0000id' })).toMatchObject({
      path: 'distinct_id',
      code: 'invalid_user_id',
    });
    expect(
      reject({ event: 'e', distinct_id: 'u', sent_at: 'later', timestamp: '2026-11-24T12:00:00Z' }),
    ).toMatchObject({ path: 'sent_at' });
  });
});
