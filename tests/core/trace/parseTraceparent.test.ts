import { describe, expect, it } from 'vitest';

import { parseTraceparent } from '../../../src/core/trace/parseTraceparent.js';

describe('parseTraceparent', () => {
  it('reads version 00, any flags, upper case; refuses malformed, zero ids and version ff', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-01`)).toEqual({
      traceId: id,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    expect(parseTraceparent(`00-${id.toUpperCase()}-00F067AA0BA902B7-00`)?.traceId).toBe(id);
    expect(parseTraceparent(undefined)).toBeUndefined();
    expect(parseTraceparent('')).toBeUndefined();
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7`)).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${id}-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent(`ff-${id}-00f067aa0ba902b7-01`)).toBeUndefined();
  });
});

describe('parseTraceparent as the logs use it', () => {
  it('reads the trace id of a W3C traceparent, and nothing from anything else', () => {
    expect(
      parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')?.traceId,
    ).toBe('0af7651916cd43dd8448eb211c80319c');
    for (const bad of [null, undefined, '', 'garbage', '00-XYZ-b7ad6b7169203331-01'])
      expect(parseTraceparent(bad)).toBeUndefined();
  });
});
