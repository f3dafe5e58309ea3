import { describe, expect, it } from 'vitest';

import { mapRow, normaliseTimestamp } from '../../../src/core/import/mapRow.js';

describe('mapRow', () => {
  const targets = ['eventId', 'occurredAt', 'userId', 'type', 'properties'] as const;

  it('builds the API shape; an empty cell is an absent field', () => {
    expect(
      mapRow(['', '2026-11-01T10:00:00Z', 'u1', 'page_view', '{"device":"mobile"}'], targets),
    ).toEqual({
      ok: true,
      event: {
        occurredAt: '2026-11-01T10:00:00Z',
        userId: 'u1',
        type: 'page_view',
        properties: { device: 'mobile' },
      },
    });
  });

  it('parses amount as a number and merges properties.<name> columns into properties', () => {
    const row = mapRow(
      ['u1', 'purchase', '19.5', '{"a":1}', 'mobile'],
      ['userId', 'type', 'amount', 'properties', { property: 'device' }],
    );
    expect(row).toEqual({
      ok: true,
      event: {
        userId: 'u1',
        type: 'purchase',
        amount: 19.5,
        properties: { a: 1, device: 'mobile' },
      },
    });
  });

  it('rejects bad JSON properties, a non-number amount and a wrong column count, naming the field', () => {
    expect(mapRow(['u', 't', 'x'], ['userId', 'type', 'properties'])).toEqual({
      ok: false,
      errors: [{ path: 'properties', code: 'invalid_json', message: 'must be a JSON object' }],
    });
    expect(mapRow(['u', 't', '[1]'], ['userId', 'type', 'properties'])).toMatchObject({
      ok: false,
    });
    expect(mapRow(['u', 't', 'ten'], ['userId', 'type', 'amount'])).toMatchObject({
      ok: false,
      errors: [{ path: 'amount', code: 'invalid_number' }],
    });
    expect(mapRow(['u', 't'], ['userId', 'type', 'amount'])).toMatchObject({
      ok: false,
      errors: [
        { path: '(row)', code: 'column_count', message: 'row has 2 columns, the header has 3' },
      ],
    });
  });

  it('reads a timestamp without an offset as UTC and leaves others to the API', () => {
    expect(normaliseTimestamp('2026-11-01 10:05:00')).toBe('2026-11-01T10:05:00Z');
    expect(normaliseTimestamp('2026-11-01T10:05')).toBe('2026-11-01T10:05Z');
    expect(normaliseTimestamp('2026-11-01 10:05:00+02:00')).toBe('2026-11-01T10:05:00+02:00');
    expect(normaliseTimestamp('2026-11-01T10:05:00.123Z')).toBe('2026-11-01T10:05:00.123Z');
    expect(normaliseTimestamp('yesterday')).toBe('yesterday');
  });
});
