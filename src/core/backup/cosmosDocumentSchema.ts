import type { AvroRecordSchema } from './avroSchema.js';

/**
 * Every Cosmos DB container is written with this record: the document's id, its partition key
 * value as JSON text (a key may be a string, number, boolean or null), and the whole document as
 * JSON text without the system properties (_rid, _self, _etag, _attachments, _ts).
 */
export const cosmosDocumentSchema: AvroRecordSchema = {
  type: 'record',
  name: 'CosmosDocument',
  namespace: 'eventscoring.backup.cosmos',
  doc: 'One Cosmos DB document: id, partition key value (JSON) and the document (JSON)',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'partitionKey', type: 'string' },
    { name: 'document', type: 'string' },
  ],
};

export interface CosmosDocumentRecord {
  id: string;
  partitionKey: string;
  document: string;
}

const SYSTEM_PROPERTIES = new Set(['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn']);

/** The value at a partition key path such as `/userId` or `/a/b`; undefined when absent. */
export function valueAtPath(document: Record<string, unknown>, path: string): unknown {
  let value: unknown = document;
  for (const part of path.split('/').filter((p) => p !== '')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A stored document as the record the backup writes. */
export function toCosmosDocumentRecord(
  resource: Record<string, unknown>,
  partitionKeyPath: string,
): CosmosDocumentRecord {
  const document = Object.fromEntries(
    Object.entries(resource).filter(([key]) => !SYSTEM_PROPERTIES.has(key)),
  );
  return {
    id: String(document.id),
    partitionKey: JSON.stringify(valueAtPath(document, partitionKeyPath) ?? null),
    document: JSON.stringify(document),
  };
}
