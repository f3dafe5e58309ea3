/** Where a day's file lives under the root: Hive-style, so DuckDB, Synapse and Fabric read `day` from the path. */
export const dayFileName = (day: string): string => `day=${day}/events.parquet`;

const DAY_FILE = /^day=(\d{4}-\d{2}-\d{2})\/events\.parquet$/;

/** The day of a file name, or undefined when the name is not a day file. */
export function dayOfFile(name: string): string | undefined {
  return DAY_FILE.exec(name)?.[1];
}

/** The compaction's own record, beside the day folders (Hive readers skip `_` names). */
export const STATE_NAME = '_state/compaction.json';

/** Whether `day` is within the inclusive range; absent bounds are open. */
export const inRange = (day: string, range: { from?: string; to?: string }): boolean =>
  (range.from === undefined || day >= range.from) && (range.to === undefined || day <= range.to);
