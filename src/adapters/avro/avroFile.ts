import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import avro from 'avsc';

import type { AvroRecordSchema } from '../../core/backup/avroSchema.js';
import type { BackupRow } from '../../ports/index.js';

/**
 * Writes rows as an Avro object container file: the schema in the header, deflate-compressed
 * blocks (a codec every Avro reader has), and `metadata` as extra header entries. Streams, so a
 * table of any size needs little memory. Throws, naming the table, on a row the schema rejects.
 */
export async function writeAvroFile(
  path: string,
  schema: AvroRecordSchema,
  rows: AsyncIterable<BackupRow>,
  metadata: Record<string, string> = {},
): Promise<{ records: number }> {
  const type = avro.Type.forSchema(schema as unknown as avro.Schema);
  const encoder = new avro.streams.BlockEncoder(type, {
    codec: 'deflate',
    // An empty table still gets a header, so its file is a valid Avro file with its schema.
    writeHeader: 'always',
    metadata: Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value)]),
    ),
  } as unknown as Partial<avro.EncoderOptions>);
  let records = 0;
  async function* checked() {
    for await (const row of rows) {
      const errors: string[] = [];
      if (!type.isValid(row, { errorHook: (path) => errors.push(path.join('.')) })) {
        throw new Error(`${schema.name}: a row does not fit the schema at ${errors.join(', ')}`);
      }
      records += 1;
      yield row;
    }
  }
  await pipeline(Readable.from(checked()), encoder, createWriteStream(path));
  return { records };
}

/** The records of an Avro object container file, streamed. */
export async function* readAvroFile(path: string): AsyncGenerator<BackupRow> {
  for await (const record of avro.createFileDecoder(path)) yield record as BackupRow;
}

/** The writer's schema from a file's header. */
export function readAvroSchema(path: string): Promise<AvroRecordSchema> {
  return new Promise((resolve, reject) => {
    const decoder = avro.createFileDecoder(path);
    decoder.once('metadata', (type: avro.Type) => {
      decoder.destroy();
      resolve(type.schema() as unknown as AvroRecordSchema);
    });
    decoder.once('error', reject);
    decoder.once('end', () => reject(new Error(`${path} has no Avro header`)));
    decoder.resume();
  });
}

/** SHA-256 (hex) and size of a file, streamed. */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { sha256: hash.digest('hex'), bytes: (await stat(path)).size };
}
