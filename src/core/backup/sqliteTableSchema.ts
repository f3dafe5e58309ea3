import { type AvroPrimitive, type AvroRecordSchema, isAvroName, toAvroName } from './avroSchema.js';

/** A column as `PRAGMA table_info` describes it. */
export interface SqliteColumn {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

export type TableSchemaOutcome =
  { ok: true; schema: AvroRecordSchema } | { ok: false; reason: string };

/** SQLite's type-affinity rules (https://sqlite.org/datatype3.html, 3.1), mapped to an Avro type. */
export function affinityType(declared: string): AvroPrimitive | readonly AvroPrimitive[] {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'long';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'string';
  if (t === '' || t.includes('BLOB')) return 'bytes';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'double';
  // NUMERIC affinity keeps text that does not look like a number, so both can occur.
  return ['double', 'string'];
}

/**
 * The Avro record for one SQLite table: a field per column, in column order, with the type its
 * affinity gives; a column that may be NULL becomes a union with null.
 */
export function sqliteTableSchema(
  table: string,
  columns: readonly SqliteColumn[],
): TableSchemaOutcome {
  if (columns.length === 0) return { ok: false, reason: `table ${table} has no columns` };
  const bad = columns.find((c) => !isAvroName(c.name));
  if (bad) {
    return {
      ok: false,
      reason: `column ${table}.${bad.name} is not a valid Avro field name (letters, digits, _)`,
    };
  }
  return {
    ok: true,
    schema: {
      type: 'record',
      name: toAvroName(table),
      namespace: 'eventscoring.backup.sqlite',
      doc: `Rows of the SQLite table ${table}, one record per row`,
      fields: columns.map((c) => {
        const base = affinityType(c.type);
        const rowidAlias = c.pk > 0 && base === 'long';
        const nullable = c.notnull === 0 && !rowidAlias;
        const branches = typeof base === 'string' ? [base] : [...base];
        return { name: c.name, type: nullable ? ['null', ...branches] : base };
      }),
    },
  };
}
