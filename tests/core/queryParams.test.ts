import { describe, expect, it } from 'vitest';

import { encodeCursor } from '../../src/core/cursor.js';
import { parseDauParams, parseUserScoresParams } from '../../src/core/queryParams.js';

const q = (s: string) => new URLSearchParams(s);
const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('parseUserScoresParams', () => {
  it('defaults limit to 20 and ignores unknown keys such as the function key', () => {
    expect(parseUserScoresParams('u1', q('code=secret'))).toEqual({
      ok: true,
      value: { userId: 'u1', limit: 20 },
    });
  });

  it.each(['0', '101', '-1', '2.5', 'ten', ''])(
    'rejects limit=%s naming the parameter',
    (limit) => {
      const p = parseUserScoresParams('u1', q(`limit=${limit}`));
      expect(p.ok).toBe(false);
      if (!p.ok) expect(p.errors[0]?.path).toBe('limit');
    },
  );

  it('takes days or timestamps for from/to and normalises them to UTC', () => {
    const p = parseUserScoresParams('u1', q('from=2026-11-01&to=2026-11-02T10:00:00%2B02:00'));
    expect(p).toMatchObject({
      ok: true,
      value: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T08:00:00.000Z' },
    });
  });

  it('rejects a malformed date, from after to, a bad user id and an unknown token', () => {
    const bad = (u: string, s: string) => {
      const p = parseUserScoresParams(u, q(s));
      return p.ok ? undefined : p.errors[0]?.path;
    };
    expect(bad('u1', 'from=2026-13-01')).toBe('from');
    expect(bad('u1', 'from=2026-11-02&to=2026-11-01')).toBe('from');
    expect(bad('u 1', '')).toBe('userId');
    expect(bad('u1', 'continuationToken=nonsense')).toBe('continuationToken');
  });

  it('round-trips a continuation token', () => {
    const cursor = {
      occurredAt: '2026-11-24T10:00:00.000Z',
      eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
    };
    const p = parseUserScoresParams('u1', q(`continuationToken=${encodeCursor(cursor)}`));
    expect(p).toMatchObject({ ok: true, value: { continuationToken: cursor } });
  });
});

describe('parseDauParams', () => {
  it('defaults to the 30 days ending today (UTC)', () => {
    expect(parseDauParams(q(''), NOW)).toEqual({
      ok: true,
      value: { from: '2026-10-26', to: '2026-11-24' },
    });
  });

  it('accepts exactly 366 days and refuses 367', () => {
    expect(parseDauParams(q('from=2025-01-01&to=2026-01-01'), NOW).ok).toBe(true);
    const p = parseDauParams(q('from=2025-01-01&to=2026-01-02'), NOW);
    expect(p).toMatchObject({ ok: false, errors: [{ path: 'to' }] });
  });

  it('rejects from after to and malformed days, naming the parameter', () => {
    expect(parseDauParams(q('from=2026-11-10&to=2026-11-01'), NOW)).toMatchObject({
      ok: false,
      errors: [{ path: 'from' }],
    });
    expect(parseDauParams(q('to=2026-02-30'), NOW)).toMatchObject({
      ok: false,
      errors: [{ path: 'to' }],
    });
    expect(parseDauParams(q('from=yesterday'), NOW)).toMatchObject({
      ok: false,
      errors: [{ path: 'from' }],
    });
  });
});
