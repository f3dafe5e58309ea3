import { describe, expect, it } from 'vitest';

import { parseMapOption, resolveMapping } from '../../../src/core/import/columnMapping.js';

const noMap = new Map();

describe('resolveMapping', () => {
  it('maps the seed layout and the API field names with no --map', () => {
    const seed = resolveMapping(
      ['event_id', 'occurred_at', 'user_id', 'event_type', 'properties_json'],
      noMap,
    );
    expect(seed).toEqual({
      ok: true,
      targets: ['eventId', 'occurredAt', 'userId', 'type', 'properties'],
    });
    const own = resolveMapping(
      ['eventId', 'userId', 'type', 'occurredAt', 'amount', 'properties'],
      noMap,
    );
    expect(own.ok && own.targets).toEqual([
      'eventId',
      'userId',
      'type',
      'occurredAt',
      'amount',
      'properties',
    ]);
  });

  it('names an unknown column, a missing userId or type, a doubled field and a --map column the header lacks', () => {
    expect(resolveMapping(['user_id', 'event_type', 'colour'], noMap)).toMatchObject({
      ok: false,
      message: expect.stringContaining('column "colour" is not a known field'),
    });
    expect(resolveMapping(['user_id'], noMap)).toMatchObject({
      ok: false,
      message: expect.stringContaining('no column holds type'),
    });
    expect(resolveMapping(['user_id', 'userId', 'type'], noMap)).toMatchObject({
      ok: false,
      message: 'columns "user_id" and "userId" both map to userId',
    });
    const map = parseMapOption('who=userId');
    expect(map.ok && resolveMapping(['user_id', 'type'], map.map)).toMatchObject({
      ok: false,
      message: expect.stringContaining('"who"'),
    });
  });

  it('applies --map: fields, properties.<name> and - to ignore', () => {
    const map = parseMapOption(
      'who=userId, what=type,when=occurredAt,dev=properties.device,junk=-',
    );
    expect(map.ok).toBe(true);
    const mapping = map.ok && resolveMapping(['who', 'what', 'when', 'dev', 'junk'], map.map);
    expect(mapping).toEqual({
      ok: true,
      targets: ['userId', 'type', 'occurredAt', { property: 'device' }, 'ignore'],
    });
  });

  it('rejects a malformed --map naming the pair', () => {
    expect(parseMapOption('who')).toEqual({
      ok: false,
      message: '--map: "who" must be column=field',
    });
    expect(parseMapOption('who=user')).toMatchObject({
      ok: false,
      message: expect.stringContaining('"user" is not a field'),
    });
  });
});
