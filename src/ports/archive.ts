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
  close(): Promise<void>;
}
