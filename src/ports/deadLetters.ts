export interface DeadLetter {
  key: string;
  reason: string;
  body: unknown;
}

/** Where messages that can never be scored are set aside with their reason. */
export interface DeadLetterSink {
  put(items: readonly DeadLetter[]): Promise<void>;
}
