import { MAX_JSON_DEPTH, MAX_JSON_KEY_LENGTH, MAX_JSON_STRING_LENGTH } from './eventLimits.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Why a value is not a JSON object this API stores, and where (keys and indexes below the field). */
export interface JsonProblem {
  path: (string | number)[];
  code: 'invalid_type' | 'too_deep' | 'empty_key' | 'key_too_long' | 'too_long' | 'invalid_number';
  message: string;
}

const objectPrototype = Object.prototype;
const arrayPrototype = Array.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const keysOf = Object.keys;
const isFinite = Number.isFinite;

/** An ordinary object whose prototype is Object.prototype or null: what JSON.parse makes. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = getPrototypeOf(v);
  return proto === objectPrototype || proto === null;
}

const isPlainArray = (v: unknown): v is unknown[] =>
  Array.isArray(v) && getPrototypeOf(v) === arrayPrototype;

/** One open object or array of the walk. */
interface Frame {
  value: Record<string, unknown> | unknown[];
  /** The object's own enumerable keys; null for an array. */
  keys: string[] | null;
  next: number;
}

function pathOf(frames: readonly Frame[], depth: number): (string | number)[] {
  const path: (string | number)[] = [];
  for (let d = 0; d < depth; d++) {
    const f = frames[d]!;
    const i = f.next - 1;
    const key = f.keys === null ? i : f.keys[i]!;
    // a key over the limit is named by its start: the path goes into answers and logs
    path.push(
      typeof key === 'string' && key.length > MAX_JSON_KEY_LENGTH
        ? `${key.slice(0, MAX_JSON_KEY_LENGTH)}…`
        : key,
    );
  }
  return path;
}

/**
 * Checks that `root` is a JSON object within the contract's limits, without recursion (a client
 * can send nesting of any depth; the walk stops at MAX_JSON_DEPTH + 1): plain objects and arrays,
 * strings, finite numbers, booleans and null; keys and strings within MAX_JSON_KEY_LENGTH and
 * MAX_JSON_STRING_LENGTH code units.
 * Own enumerable string keys are what JSON.stringify stores, so only those are read (a `__proto__`
 * or `constructor` key is plain data). The first problem is returned, or undefined.
 */
export function jsonObjectProblem(root: unknown): JsonProblem | undefined {
  if (!isPlainObject(root)) {
    return { path: [], code: 'invalid_type', message: 'must be a JSON object' };
  }
  const rootKeys = keysOf(root);
  // Most objects are flat: checked here without the walk's frames; anything else takes the walk.
  let flat = true;
  for (let i = 0; i < rootKeys.length; i++) {
    const key = rootKeys[i]!;
    const value = root[key];
    if (
      key.length === 0 ||
      key.length > MAX_JSON_KEY_LENGTH ||
      !(
        (typeof value === 'string' && value.length <= MAX_JSON_STRING_LENGTH) ||
        (typeof value === 'number' && isFinite(value)) ||
        typeof value === 'boolean' ||
        value === null
      )
    ) {
      flat = false;
      break;
    }
  }
  return flat ? undefined : walk(root, rootKeys);
}

function walk(root: Record<string, unknown>, rootKeys: string[]): JsonProblem | undefined {
  const frames: Frame[] = [{ value: root, keys: rootKeys, next: 0 }];
  let depth = 1;
  while (depth > 0) {
    const frame = frames[depth - 1]!;
    const keys = frame.keys;
    const container = frame.value;
    const length = keys === null ? (container as unknown[]).length : keys.length;
    if (frame.next >= length) {
      depth--;
      continue;
    }
    const i = frame.next++;
    let value: unknown;
    if (keys === null) {
      value = (container as unknown[])[i];
    } else {
      const key = keys[i]!;
      if (key.length === 0 || key.length > MAX_JSON_KEY_LENGTH) {
        return {
          path: pathOf(frames, depth),
          code: key.length === 0 ? 'empty_key' : 'key_too_long',
          message:
            key.length === 0
              ? 'keys must not be empty'
              : `keys must be at most ${MAX_JSON_KEY_LENGTH} characters`,
        };
      }
      value = (container as Record<string, unknown>)[key];
    }
    switch (typeof value) {
      case 'string':
        if (value.length > MAX_JSON_STRING_LENGTH) {
          return {
            path: pathOf(frames, depth),
            code: 'too_long',
            message: `strings must be at most ${MAX_JSON_STRING_LENGTH} characters`,
          };
        }
        continue;
      case 'number':
        if (!isFinite(value)) {
          return {
            path: pathOf(frames, depth),
            code: 'invalid_number',
            message: 'must be a finite number',
          };
        }
        continue;
      case 'boolean':
        continue;
      case 'object': {
        if (value === null) continue;
        const array = isPlainArray(value);
        if (!array && !isPlainObject(value)) break;
        if (depth >= MAX_JSON_DEPTH) {
          return {
            path: pathOf(frames, depth),
            code: 'too_deep',
            message: `nesting must be at most ${MAX_JSON_DEPTH} levels deep`,
          };
        }
        const next: Frame = array
          ? { value: value as unknown[], keys: null, next: 0 }
          : { value: value as Record<string, unknown>, keys: keysOf(value), next: 0 };
        if (frames.length > depth) frames[depth] = next;
        else frames.push(next);
        depth++;
        continue;
      }
    }
    return {
      path: pathOf(frames, depth),
      code: 'invalid_type',
      message: 'must be a string, a finite number, a boolean, null, an object or an array',
    };
  }
  return undefined;
}
