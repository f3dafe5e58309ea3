import { describe, expect, it } from 'vitest';

import { backoffDelay, parseRetryAfter } from '../../../src/core/import/retryDelay.js';
import { createWatermark } from '../../../src/core/import/watermark.js';

describe('createWatermark', () => {
  it('moves only over ranges finished without a gap, handing back their values in order', () => {
    const mark = createWatermark<string>(10);
    expect(mark.finish(20, 30, 'b')).toEqual([]);
    expect(mark.position).toBe(10);
    expect(mark.finish(30, 35, 'c')).toEqual([]);
    expect(mark.finish(10, 20, 'a')).toEqual(['a', 'b', 'c']);
    expect(mark.position).toBe(35);
  });
});

describe('retry delays', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('backs off exponentially with jitter up to 30 s', () => {
    expect(backoffDelay(1, () => 0)).toBe(250);
    expect(backoffDelay(1, () => 1)).toBe(500);
    expect(backoffDelay(4, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
  });
});
