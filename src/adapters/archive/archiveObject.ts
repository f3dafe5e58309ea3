import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

import { type ArchivedEvent, archivedEventSchema } from '../../core/archive/archivedEvent.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

let lastMs = 0;

/**
 * A new object's name under its hour: the time of writing, so names sort in write order, then a
 * UUID, so two writers never collide. Within a process the times
 * strictly increase (a second object in the same millisecond takes the next one), so objects list
 * in the order they were written and a resume position never skips one written just after it.
 */
export function newObjectName(hour: string, now = Date.now()): string {
  const ms = Math.max(now, lastMs + 1);
  lastMs = ms;
  return `${hour}${new Date(ms).toISOString().replace(/[:.]/g, '')}-${randomUUID()}.ndjson.gz`;
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
