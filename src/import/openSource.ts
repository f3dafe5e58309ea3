import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface Source {
  /** The file's content, inflated when it is gzip. */
  stream: Readable;
  gzip: boolean;
  /** Size on disk, for the progress bar. */
  totalBytes: number;
  /** Bytes read from disk so far. */
  bytesRead(): number;
}

/** Opens a file for streaming; gzip is recognised by its magic bytes (1f 8b), whatever the name. */
export async function openSource(path: string): Promise<Source> {
  const { size } = await stat(path);
  const handle = await open(path, 'r');
  const magic = Buffer.alloc(2);
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const gzip = size >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      done(null, chunk);
    },
  });
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  file.on('error', (err) => counter.destroy(err));
  let stream: Readable = file.pipe(counter);
  if (gzip) {
    const gunzip = createGunzip();
    counter.on('error', (err) => gunzip.destroy(err));
    stream = counter.pipe(gunzip);
  }
  return { stream, gzip, totalBytes: size, bytesRead: () => read };
}

/** The format a file's name implies once a trailing .gz is set aside. */
export function formatFromName(path: string): 'csv' | 'ndjson' | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'ndjson';
  return undefined;
}
