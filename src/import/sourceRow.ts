import type { FieldError } from '../core/event.js';

/** One data row of a file: what to send, or why it cannot be sent. */
export interface SourceRow {
  /** 1-based line in the (inflated) file where the row starts. */
  line: number;
  event?: unknown;
  errors?: FieldError[];
}

/** A problem with the file as a whole (a header that cannot be mapped, broken quoting): the import stops. */
export class FileError extends Error {}
