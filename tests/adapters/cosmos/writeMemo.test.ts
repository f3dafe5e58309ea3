import { describe, expect, it } from 'vitest';

import { createWriteMemo } from '../../../src/adapters/cosmos/writeMemo.js';

describe('createWriteMemo', () => {
  it('forgets an entry once it expires', () => {
    let now = 0;
    const memo = createWriteMemo({ ttlMs: 1000, now: () => now });
    memo.set('u:1', '2026-03-01');
    now = 999;
    expect(memo.get('u:1')).toBe('2026-03-01');
    now = 1000;
    expect(memo.get('u:1')).toBeUndefined();
  });

  it('drops the oldest write when full', () => {
    const memo = createWriteMemo({ maxEntries: 2 });
    memo.set('a', '1');
    memo.set('b', '2');
    memo.set('a', '3');
    memo.set('c', '4');
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual(['3', undefined, '4']);
  });

  it('forgets an entry it is told to (what an erasure deleted), and only that one', () => {
    const memo = createWriteMemo();
    memo.set('u:1', '2026-03-01');
    memo.set('u:2', '2026-03-02');
    memo.forget('u:1');
    memo.forget('never');
    expect([memo.get('u:1'), memo.get('u:2')]).toEqual([undefined, '2026-03-02']);
  });
});
