import type { EventArchive } from '../../ports/index.js';
import type { ArchivedEvent } from './archivedEvent.js';
import { archiveHoursBetween } from './archiveHour.js';

export interface ArchiveChunk {
  /** The object the events came from: a resumable position. */
  name: string;
  /** Events received in [from, to), none seen before in this hour. */
  events: ArchivedEvent[];
  /** Lines that were not valid archived events, skipped. */
  invalid: number;
}

export interface ReadArchiveOptions {
  from: string;
  to: string;
  /** Resume after this object (a `name` of an earlier chunk): its hour is read again for dedupe. */
  after?: string;
}

/**
 * Reads the archive's objects for [from, to) in name order, deduplicated by eventId. An event is
 * partitioned by its own receivedAt, so every copy of it lies in one hour: a Set per hour dedupes
 * exactly while memory stays bounded by one hour of events, whatever the range.
 */
export async function* readArchive(
  archive: EventArchive,
  options: ReadArchiveOptions,
): AsyncGenerator<ArchiveChunk> {
  for (const hour of archiveHoursBetween(options.from, options.to)) {
    if (options.after !== undefined && hour < options.after.slice(0, hour.length)) continue;
    const seen = new Set<string>();
    for (const name of await archive.list(hour)) {
      const { events, invalid } = await archive.read(name);
      const fresh: ArchivedEvent[] = [];
      for (const event of events) {
        if (seen.has(event.eventId)) continue;
        seen.add(event.eventId);
        if (event.receivedAt >= options.from && event.receivedAt < options.to) fresh.push(event);
      }
      if (options.after !== undefined && name <= options.after) continue;
      yield { name, events: fresh, invalid };
    }
  }
}
