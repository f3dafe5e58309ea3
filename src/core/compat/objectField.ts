import type { FieldError, JsonObject } from '../event.js';
import { isPlainObject } from '../jsonValue.js';

export type ObjectFieldOutcome =
  { ok: true; value?: JsonObject } | { ok: false; error: FieldError };

/**
 * A message field that maps to one of our JSON object fields (`properties`, `context`, ...): kept as
 * sent (the very object; its contents are checked by the event contract), absent when null,
 * undefined or empty, refused naming `path` when it is no object.
 */
export function objectField(value: unknown, path: string): ObjectFieldOutcome {
  if (value === undefined || value === null) return { ok: true };
  if (!isPlainObject(value)) {
    return { ok: false, error: { path, code: 'invalid_type', message: 'must be an object' } };
  }
  for (const _key in value) return { ok: true, value: value as JsonObject };
  return { ok: true };
}

/**
 * An object of `entries` (later keys win), built with define semantics so a `__proto__` or
 * `constructor` key is plain data; undefined when nothing is left.
 */
export function objectOf(entries: readonly (readonly [string, unknown])[]): JsonObject | undefined {
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries) as JsonObject;
}
