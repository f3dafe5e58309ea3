/** The subset of Avro schemas a backup writes: one flat record per table. */
export type AvroPrimitive = 'null' | 'long' | 'double' | 'string' | 'bytes';
export type AvroFieldType = AvroPrimitive | readonly AvroPrimitive[];

export interface AvroField {
  name: string;
  type: AvroFieldType;
}

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: AvroField[];
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Avro names allow letters, digits and _ only, not starting with a digit. */
export const isAvroName = (name: string): boolean => AVRO_NAME.test(name);

/** A table name as the local part of a record name: other characters become _. */
export const toAvroName = (name: string): string => {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
};
