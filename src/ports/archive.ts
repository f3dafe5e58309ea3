import type { ArchivedEvent } from '../core/archive/archivedEvent.js';

/**
 * The raw archive: every accepted event as received, in gzip NDJSON objects partitioned by the UTC
 * hour of receipt (`yyyy/mm/dd/hh/<unique>.ndjson.gz`). At least once: an event may be held twice.
 */
export interface EventArchive {
  /** Durable once it resolves: one new object per hour partition the events fall in. */
  append(events: readonly ArchivedEvent[]): Promise<void>;
  /** Object names under one hour partition (`yyyy/mm/dd/hh/`), sorted. */
  list(hour: string): Promise<string[]>;
  /** One object's events; lines that are not valid archived events are counted, not returned. */
  read(name: string): Promise<{ events: ArchivedEvent[]; invalid: number }>;
  /**
   * DATA_RETENTION_DAYS: deletes every object of the hour partitions before `hour` (`yyyy/mm/dd/hh/`),
   * found by listing partition names, never by reading objects; resolves with the objects removed.
   */
  removeHoursBefore?(hour: string): Promise<number>;
  /**
   * Deletion of a person: rewrites each object of one hour partition that holds an event `drop`
   * matches, without those lines, in place of the old object (each object is old or new after a
   * crash). Objects with no match are read, not written. Resolves with what it changed.
   */
  rewriteHour(
    hour: string,
    drop: (event: ArchivedEvent) => boolean,
  ): Promise<{ objects: number; lines: number }>;
  close(): Promise<void>;
}
