import { describe, expect, it } from 'vitest';

import {
  toCosmosDocumentRecord,
  valueAtPath,
} from '../../../src/core/backup/cosmosDocumentSchema.js';
import { avroFileName } from '../../../src/core/backup/manifest.js';

describe('avroFileName', () => {
  it('keeps safe names, replaces the rest, and never repeats one', () => {
    expect(avroFileName('scores', new Set())).toBe('scores.avro');
    expect(avroFileName('daily-activity', new Set())).toBe('daily-activity.avro');
    expect(avroFileName('a/b c', new Set())).toBe('a_b_c.avro');
    expect(avroFileName('a b', new Set(['a_b.avro']))).toBe('a_b-2.avro');
    expect(avroFileName('..', new Set())).toBe('_.avro');
  });
});

describe('toCosmosDocumentRecord', () => {
  it('drops system properties and keeps the partition key value as JSON', () => {
    const record = toCosmosDocumentRecord(
      {
        id: 'e1',
        userId: 'u1',
        score: 0.5,
        _rid: 'x',
        _etag: '"1"',
        _ts: 1,
        _self: 's',
        _attachments: 'a',
      },
      '/userId',
    );
    expect(record).toEqual({
      id: 'e1',
      partitionKey: '"u1"',
      document: JSON.stringify({ id: 'e1', userId: 'u1', score: 0.5 }),
    });
  });

  it('reads nested key paths and writes null for an absent key', () => {
    expect(valueAtPath({ a: { b: 3 } }, '/a/b')).toBe(3);
    expect(toCosmosDocumentRecord({ id: 'x' }, '/day').partitionKey).toBe('null');
  });
});
