import { describe, expect, it } from 'vitest';

import { holdsAnyId } from '../../../../src/core/privacy/deletion/holdsAnyId.js';

const ids = new Set(['u-1', 'anon-9']);

describe('holdsAnyId', () => {
  it('finds an id as a string value at any depth', () => {
    expect(holdsAnyId({ userId: 'u-1' }, ids)).toBe(true);
    expect(holdsAnyId({ message: { anonymousId: 'anon-9' } }, ids)).toBe(true);
    expect(holdsAnyId({ message: { properties: { distinct_id: 'u-1' } } }, ids)).toBe(true);
    expect(holdsAnyId({ message: { properties: { $anon_distinct_id: 'anon-9' } } }, ids)).toBe(
      true,
    );
    expect(holdsAnyId({ batch: [{ x: 1 }, { y: ['a', 'u-1'] }] }, ids)).toBe(true);
    expect(holdsAnyId('u-1', ids)).toBe(true);
  });

  it('searches a body kept as a JSON string', () => {
    expect(holdsAnyId('{"userId":"u-1","type":"x"}', ids)).toBe(true);
    expect(holdsAnyId({ raw: '[{"distinct_id":"anon-9"}]' }, ids)).toBe(true);
    expect(holdsAnyId('{"userId":"u-1"', ids)).toBe(false);
  });

  it('matches exactly: not a part of a string, not a key, not another type', () => {
    expect(holdsAnyId({ userId: 'u-10' }, ids)).toBe(false);
    expect(holdsAnyId({ userId: 'xu-1' }, ids)).toBe(false);
    expect(holdsAnyId({ 'u-1': 1 }, ids)).toBe(false);
    expect(holdsAnyId({ n: 1, b: true, z: null }, ids)).toBe(false);
    expect(holdsAnyId(undefined, ids)).toBe(false);
    expect(holdsAnyId({ userId: 'u-1' }, new Set())).toBe(false);
  });
});
