import { describe, expect, it } from 'vitest';

import { affinityType, sqliteTableSchema } from '../../../src/core/backup/sqliteTableSchema.js';

const column = (name: string, type: string, notnull = 1, pk = 0) => ({ name, type, notnull, pk });

describe('affinityType', () => {
  it.each([
    ['INTEGER', 'long'],
    ['BIGINT', 'long'],
    ['TEXT', 'string'],
    ['VARCHAR(20)', 'string'],
    ['CLOB', 'string'],
    ['BLOB', 'bytes'],
    ['', 'bytes'],
    ['REAL', 'double'],
    ['DOUBLE PRECISION', 'double'],
    ['FLOAT', 'double'],
  ])('maps %j to %s', (declared, avro) => {
    expect(affinityType(declared)).toBe(avro);
  });

  it('gives NUMERIC columns both numbers and text', () => {
    expect(affinityType('NUMERIC')).toEqual(['double', 'string']);
    expect(affinityType('DECIMAL(10,2)')).toEqual(['double', 'string']);
  });
});

describe('sqliteTableSchema', () => {
  it('makes nullable columns unions with null, except a rowid alias', () => {
    const outcome = sqliteTableSchema('my-table', [
      column('id', 'INTEGER', 0, 1),
      column('note', 'TEXT', 0),
      column('amount', 'NUMERIC', 0),
      column('day', 'TEXT'),
    ]);
    expect(outcome).toEqual({
      ok: true,
      schema: expect.objectContaining({
        type: 'record',
        name: 'my_table',
        fields: [
          { name: 'id', type: 'long' },
          { name: 'note', type: ['null', 'string'] },
          { name: 'amount', type: ['null', 'double', 'string'] },
          { name: 'day', type: 'string' },
        ],
      }),
    });
  });

  it('names the column that is not a valid Avro field name', () => {
    expect(sqliteTableSchema('t', [column('user id', 'TEXT')])).toEqual({
      ok: false,
      reason: expect.stringMatching(/t\.user id .*Avro field name/),
    });
  });

  it('refuses a table without columns', () => {
    expect(sqliteTableSchema('t', [])).toMatchObject({ ok: false });
  });
});
