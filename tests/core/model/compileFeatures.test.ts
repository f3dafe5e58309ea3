import { describe, expect, it } from 'vitest';

import type { AcceptedEvent } from '../../../src/core/event.js';
import { compileFeatures } from '../../../src/core/model/compileFeatures.js';
import type { Feature } from '../../../src/core/model/modelSchema.js';
import { utcHour, utcWeekday } from '../../../src/core/time/utcClock.js';

const event = (over: Partial<AcceptedEvent> = {}): AcceptedEvent => ({
  eventId: '00000000-0000-4000-8000-000000000000',
  userId: 'u1',
  type: 'view',
  occurredAt: '2026-11-24T18:30:00.000Z', // a Tuesday
  receivedAt: '2026-11-24T18:30:01.000Z',
  ...over,
});

function extract(features: Feature[], e: AcceptedEvent): number[] {
  const plan = compileFeatures(features);
  const out = new Float64Array(plan.columns.length).fill(NaN);
  plan.extract(e, out);
  return [...out];
}

describe('compileFeatures', () => {
  it('reads nested property paths: object keys, array indexes, and the flattened key of older events', () => {
    const f: Feature[] = [
      { name: 'total', source: 'properties.cart.total', transform: 'identity', missing: -1 },
      {
        name: 'sku',
        source: 'properties.cart.items.1.sku',
        transform: 'oneHot',
        categories: ['b'],
      },
      { name: 'ctor', source: 'properties.constructor', transform: 'presence' },
      { name: 'len', source: 'properties.cart.items.length', transform: 'identity', missing: -1 },
    ];
    const cart = { total: 30, items: [{ sku: 'a' }, { sku: 'b' }] };
    expect(extract(f, event({ properties: { cart } }))).toEqual([30, 1, 0, -1]);
    // stored before properties could nest: the compat mappers flattened to dotted keys
    expect(
      extract(f, event({ properties: { 'cart.total': 12, 'cart.items.1.sku': 'b' } })),
    ).toEqual([12, 1, 0, -1]);
    // absent, or a path through a value that is not an object: missing
    expect(extract(f, event({ properties: { cart: 'full' } }))).toEqual([-1, 0, 0, -1]);
    expect(extract(f, event({}))).toEqual([-1, 0, 0, -1]);
    // an own `constructor` key is data; Object.prototype's is not read
    expect(extract(f, event({ properties: { constructor: 'x' } }))).toEqual([-1, 0, 1, -1]);
    const proto = JSON.parse('{"cart":{"__proto__":{"total":7}}}') as AcceptedEvent['properties'];
    expect(extract(f, event({ properties: proto }))).toEqual([-1, 0, 0, -1]);
  });

  it('clips numbers, reads booleans as 1/0, and uses the missing value for anything else', () => {
    const f: Feature[] = [
      {
        name: 'n',
        source: 'properties.n',
        transform: 'identity',
        clip: { min: -1, max: 5 },
        missing: 2,
      },
    ];
    expect(extract(f, event({ properties: { n: 3.5 } }))).toEqual([3.5]);
    expect(extract(f, event({ properties: { n: 50 } }))).toEqual([5]);
    expect(extract(f, event({ properties: { n: -9 } }))).toEqual([-1]);
    expect(extract(f, event({ properties: { n: true } }))).toEqual([1]);
    expect(extract(f, event({ properties: { n: '3' } }))).toEqual([2]);
    expect(extract(f, event({ properties: { n: null } }))).toEqual([2]);
    expect(extract(f, event())).toEqual([2]);
  });

  it('takes log1p after the missing value and clipping', () => {
    const f: Feature[] = [
      { name: 'a', source: 'amount', transform: 'log1p', clip: { min: 0, max: 99 }, missing: 9 },
    ];
    expect(extract(f, event({ amount: Math.E - 1 }))).toEqual([1]);
    expect(extract(f, event({ amount: -5 }))).toEqual([0]);
    expect(extract(f, event({ amount: 1e9 }))).toEqual([Math.log(100)]);
    expect(extract(f, event())).toEqual([Math.log(10)]);
  });

  it('flags presence; null counts as absent', () => {
    const f: Feature[] = [{ name: 'p', source: 'properties.coupon', transform: 'presence' }];
    expect(extract(f, event({ properties: { coupon: 'X' } }))).toEqual([1]);
    expect(extract(f, event({ properties: { coupon: false } }))).toEqual([1]);
    expect(extract(f, event({ properties: { coupon: null } }))).toEqual([0]);
    expect(extract(f, event())).toEqual([0]);
  });

  it('one-hot encodes: unknown values give zeros, missing ones the declared category', () => {
    const f: Feature[] = [
      {
        name: 'd',
        source: 'properties.d',
        transform: 'oneHot',
        categories: ['a', 'true', '3'],
        missing: 'a',
      },
      { name: 't', source: 'type', transform: 'oneHot', categories: ['click', 'view'] },
    ];
    expect(extract(f, event({ properties: { d: 'a' } }))).toEqual([1, 0, 0, 0, 1]);
    expect(extract(f, event({ properties: { d: true }, type: 'click' }))).toEqual([0, 1, 0, 1, 0]);
    expect(extract(f, event({ properties: { d: 3 } }))).toEqual([0, 0, 1, 0, 1]);
    expect(extract(f, event({ properties: { d: 'zzz' }, type: 'other' }))).toEqual([0, 0, 0, 0, 0]);
    expect(extract(f, event())).toEqual([1, 0, 0, 0, 1]);
  });

  it('encodes hour and weekday as sine/cosine pairs, (0, 0) or the declared value when missing', () => {
    const f: Feature[] = [
      { name: 'h', source: 'occurredAt', transform: 'hourOfDay' },
      { name: 'w', source: 'occurredAt', transform: 'dayOfWeek' },
      { name: 'ph', source: 'properties.at', transform: 'hourOfDay', missing: 6 },
      { name: 'pw', source: 'properties.at', transform: 'dayOfWeek' },
    ];
    const [hs, hc, ws, wc, phs, phc, pws, pwc] = extract(f, event());
    expect(hs).toBeCloseTo(Math.sin((2 * Math.PI * 18) / 24), 15);
    expect(hc).toBeCloseTo(Math.cos((2 * Math.PI * 18) / 24), 15);
    expect(ws).toBeCloseTo(Math.sin((2 * Math.PI * 1) / 7), 15);
    expect(wc).toBeCloseTo(Math.cos((2 * Math.PI * 1) / 7), 15);
    expect([phs, phc, pws, pwc]).toEqual([1, Math.cos(Math.PI / 2), 0, 0]);
    // 23:30 at -05:00 is 04:30 UTC on Wednesday
    const offset = extract(f, event({ properties: { at: '2026-11-24T23:30:00-05:00' } }));
    expect(offset[4]).toBeCloseTo(Math.sin((2 * Math.PI * 4) / 24), 15);
    expect(offset[6]).toBeCloseTo(Math.sin((2 * Math.PI * 2) / 7), 15);
  });

  it('names columns in coefficient order', () => {
    const plan = compileFeatures([
      { name: 't', source: 'type', transform: 'oneHot', categories: ['a', 'b'] },
      { name: 'h', source: 'occurredAt', transform: 'hourOfDay' },
      { name: 'p', source: 'amount', transform: 'presence' },
    ]);
    expect(plan.columns).toEqual(['t=a', 't=b', 'h_sin', 'h_cos', 'p']);
  });
});

describe('utcHour / utcWeekday', () => {
  it('read canonical UTC text like Date does, over four centuries of instants', () => {
    let seed = 12345;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const ms = Date.UTC(1900, 0, 1) + (seed / 2 ** 31) * 400 * 365.25 * 86_400_000;
      const text = new Date(ms).toISOString();
      expect(utcHour(text)).toBe(new Date(ms).getUTCHours());
      expect(utcWeekday(text)).toBe((new Date(ms).getUTCDay() + 6) % 7);
    }
  });

  it('accept offsets and date-only text, and refuse text without an offset', () => {
    expect(utcHour('2026-11-24T01:00:00+02:00')).toBe(23);
    expect(utcWeekday('2026-11-24T01:00:00+02:00')).toBe(0);
    expect(utcWeekday('2026-11-29')).toBe(6);
    expect(utcHour('2026-11-24T01:00:00')).toBe(-1);
    expect(utcHour('yesterday')).toBe(-1);
    expect(utcHour('2026-11-24T25:00:00Z')).toBe(-1);
  });
});
