import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  MAX_KEY_LENGTH,
  MAX_VALUE_LENGTH,
  PropertyBag,
} from '../../../src/core/compat/propertyBag.js';
import { propertiesSchema } from '../../../src/core/event.js';

function flatten(tree: unknown, prefix = '') {
  const bag = new PropertyBag();
  bag.add(prefix, tree);
  return bag.result();
}

/** Leaves of a JSON tree as flattening must keep them: scalars, and empty objects or arrays. */
function leaves(value: unknown): number {
  if (Array.isArray(value))
    return value.length === 0 ? 1 : value.reduce((n: number, v) => n + leaves(v), 0);
  if (typeof value === 'object' && value !== null) {
    const children = Object.values(value);
    return children.length === 0 ? 1 : children.reduce((n: number, v) => n + leaves(v), 0);
  }
  return 1;
}

describe('PropertyBag', () => {
  it('flattens objects to dotted paths and arrays to indices', () => {
    expect(
      flatten({
        cart: { items: [{ sku: 'a', qty: 2 }, { sku: 'b' }], empty: {}, none: [] },
        ok: true,
        n: null,
      }),
    ).toEqual({
      ok: true,
      properties: {
        'cart.items.0.sku': 'a',
        'cart.items.0.qty': 2,
        'cart.items.1.sku': 'b',
        'cart.empty': '{}',
        'cart.none': '[]',
        ok: true,
        n: null,
      },
    });
  });

  it('adds nothing for an empty tree', () => {
    expect(flatten({})).toEqual({ ok: true });
    expect(flatten([], 'traits')).toEqual({ ok: true });
  });

  it('puts a prefix in front of every key', () => {
    expect(flatten({ os: { name: 'ios' } }, 'context')).toEqual({
      ok: true,
      properties: { 'context.os.name': 'ios' },
    });
  });

  it('rejects past the limits, naming the key and the rule', () => {
    const long = 'k'.repeat(MAX_KEY_LENGTH - 1);
    expect(flatten({ [long]: { x: 1 } })).toMatchObject({
      ok: false,
      errors: [{ code: 'key_too_long' }],
    });
    expect(flatten({ s: 'v'.repeat(MAX_VALUE_LENGTH + 1) })).toMatchObject({
      ok: false,
      errors: [{ path: 's', code: 'too_long' }],
    });
    expect(flatten({ list: Array.from({ length: 51 }, (_, i) => i) })).toMatchObject({
      ok: false,
      errors: [{ code: 'too_many_properties' }],
    });
    expect(flatten({ 'a.b': 1, a: { b: 2 } })).toMatchObject({
      ok: false,
      errors: [{ path: 'a.b', code: 'duplicate_key' }],
    });
    expect(flatten({ '': 1 })).toMatchObject({ ok: false, errors: [{ code: 'empty_key' }] });
  });

  it('stops early on a deep tree instead of walking all of it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(flatten({ deep })).toMatchObject({ ok: false, errors: [{ code: 'key_too_long' }] });
  });

  it('keeps a JSON __proto__ key as a property, not a prototype', () => {
    const result = flatten(JSON.parse('{"__proto__": {"x": 1}}'));
    expect(result).toEqual({ ok: true, properties: { '__proto__.x': 1 } });
    if (result.ok) expect(Object.getPrototypeOf(result.properties)).toBe(Object.prototype);
  });

  it('either keeps every leaf in a shape our contract accepts, or says why not', () => {
    const key = fc.string({ minLength: 1, maxLength: 12 });
    const tree = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
    fc.assert(
      fc.property(tree, (t) => {
        const result = flatten(t);
        if (Object.keys(t).length === 0) expect(result).toEqual({ ok: true });
        if (result.ok) {
          const props = result.properties ?? {};
          expect(Object.keys(props)).toHaveLength(Object.keys(t).length === 0 ? 0 : leaves(t));
          expect(propertiesSchema.safeParse(props).success).toBe(true);
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          expect([
            'key_too_long',
            'too_long',
            'too_many_properties',
            'duplicate_key',
            'empty_key',
          ]).toContain(result.errors[0]!.code);
        }
      }),
      { numRuns: 300 },
    );
  });
});
