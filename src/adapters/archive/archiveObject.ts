import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

import { type ArchivedEvent, archivedEventSchema } from '../../core/archive/archivedEvent.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * A new object's name in `hour`: the write time first, so names sort roughly in write order, then
 * a random part so two writers never collide.
 */
export function newObjectName(hour: string, now = Date.now()): string {
  return `${hour}${new Date(now).toISOString().replace(/[:.]/g, '')}-${randomUUID()}.ndjson.gz`;
}

/** Level 1: less CPU on the scorer's path than the default 6, for objects about 10% larger (34 vs 31 bytes/event). */
export async function encodeArchiveObject(events: readonly ArchivedEvent[]): Promise<Buffer> {
  return gzipAsync(events.map((e) => `${JSON.stringify(e)}\n`).join(''), { level: 1 });
}

export async function decodeArchiveObject(
  data: Buffer,
): Promise<{ events: ArchivedEvent[]; invalid: number }> {
  const text = (await gunzipAsync(data)).toString('utf8');
  const events: ArchivedEvent[] = [];
  let invalid = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      invalid++;
      continue;
    }
    const result = archivedEventSchema.safeParse(parsed);
    if (result.success) events.push(result.data);
    else invalid++;
  }
  return { events, invalid };
}
