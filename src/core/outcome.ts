/** Per-message outcome of the scorer: values for expected cases, not exceptions. */
export type Outcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'deadLetter'; reason: string }
  | { kind: 'retry'; reason: string };

export const ok = <T>(value: T): Outcome<T> => ({ kind: 'ok', value });
export const deadLetter = (reason: string): Outcome<never> => ({ kind: 'deadLetter', reason });
export const retry = (reason: string): Outcome<never> => ({ kind: 'retry', reason });
