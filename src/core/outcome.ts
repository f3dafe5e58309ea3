/**
 * Per-message outcome of the scorer: values for expected cases, not exceptions. There is no retry
 * outcome: a failure worth a retry (the store or the archive unreachable) is thrown, so the whole
 * batch is redelivered (Service Bus) or left on the local queue, and the writes are idempotent.
 */
export type Outcome<T> = { kind: 'ok'; value: T } | { kind: 'deadLetter'; reason: string };

export const ok = <T>(value: T): Outcome<T> => ({ kind: 'ok', value });
export const deadLetter = (reason: string): Outcome<never> => ({ kind: 'deadLetter', reason });
