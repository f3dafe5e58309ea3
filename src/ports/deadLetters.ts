export interface DeadLetter {
  key: string;
  reason: string;
  body: unknown;
}

/** Where messages that can never be scored are set aside with their reason. */
export interface DeadLetterSink {
  put(items: readonly DeadLetter[]): Promise<void>;
  /**
   * The dead letters whose body names one of `userIds` (`body.userId`), for a person's export.
   * Both stores have it; test fakes may leave it out.
   */
  byUser?(userIds: readonly string[]): Promise<DeadLetter[]>;
  /**
   * Deletion of a person: removes every dead letter (and set-aside compatibility message) whose
   * body holds one of `userIds` as a string value at any depth; resolves with how many.
   * Both stores have it; test fakes may leave it out.
   */
  removeUsers?(userIds: readonly string[]): Promise<number>;
  /** As PersonErasure.scrub, for the embedded sink's file (SQLite: truncates the write-ahead log). */
  scrub?(): void;
}
