import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

import { type ArchivedEvent, archivedEventSchema } from '../../core/archive/archivedEvent.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * What dropping lines from one archive object gives: `lines` removed and the new `body`, absent when
 * no line is left (or when `lines` is 0: nothing matched, nothing to write).
 */
export interface DroppedLines {
  lines: number;
  body?: Buffer;
}

/**
 * Removes the lines of one gzip NDJSON archive object that parse as archived events `drop` matches.
 * Every other line is kept byte for byte, including lines that are not archived events (a corrupt or
 * foreign line is not ours to judge); blank lines go. `body` is undefined when no line is left, so
 * the caller deletes the object; `lines: 0` means nothing matched and nothing is to be written.
 * Written at gzip level 1, as objects are.
 */
export async function dropArchiveLines(
  data: Buffer,
  drop: (event: ArchivedEvent) => boolean,
): Promise<DroppedLines> {
  const kept: string[] = [];
  let lines = 0;
  for (const line of (await gunzipAsync(data)).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    if (matches(line, drop)) lines++;
    else kept.push(line);
  }
  if (lines === 0) return { lines: 0 };
  if (kept.length === 0) return { lines };
  return { lines, body: await gzipAsync(kept.map((l) => `${l}\n`).join(''), { level: 1 }) };
}

function matches(line: string, drop: (event: ArchivedEvent) => boolean): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return false;
  }
  const result = archivedEventSchema.safeParse(parsed);
  return result.success && drop(result.data);
}
