import type { FieldError } from '../event.js';
import { MAX_PROPERTIES } from '../event.js';

export type PropertyValue = string | number | boolean | null;

export const MAX_KEY_LENGTH = 64;
export const MAX_VALUE_LENGTH = 1024;

/**
 * Collects flat properties from nested trees: objects become dotted paths (`cart.items.0.sku`), arrays
 * use their indices, an empty object or array is kept as the string `{}` or `[]`. Past a limit (a key
 * over 64 characters, a string over 1024, more than 50 keys, a key given twice) it records an error
 * naming the key instead of dropping anything.
 */
export class PropertyBag {
  readonly #values = new Map<string, PropertyValue>();
  readonly errors: FieldError[] = [];

  /** Adds one value under `key` (our own mapped fields: `segment.event`, ...). */
  set(key: string, value: PropertyValue): void {
    this.#put(key, value);
  }

  /** Adds every leaf of `tree` under `prefix` (no prefix: the tree's own keys); an empty tree adds nothing. */
  add(prefix: string, tree: unknown): void {
    if (typeof tree === 'object' && tree !== null && Object.keys(tree).length === 0) return;
    this.#walk(prefix, tree);
  }

  result():
    { ok: true; properties?: Record<string, PropertyValue> } | { ok: false; errors: FieldError[] } {
    if (
      this.#values.size > MAX_PROPERTIES &&
      !this.errors.some((e) => e.code === 'too_many_properties')
    ) {
      this.#tooMany();
    }
    if (this.errors.length > 0) return { ok: false, errors: this.errors };
    return this.#values.size === 0
      ? { ok: true }
      : { ok: true, properties: Object.fromEntries(this.#values) };
  }

  #walk(path: string, value: unknown): void {
    if (this.errors.length > 0) return;
    // Deeper paths only grow: stop here rather than walk a tree whose keys are all too long.
    if (path.length > MAX_KEY_LENGTH) return this.#keyTooLong(path);
    if (Array.isArray(value)) {
      if (value.length === 0) return this.#put(path, '[]');
      for (let i = 0; i < value.length && this.errors.length === 0; i++) {
        this.#walk(join(path, String(i)), value[i]);
      }
      return;
    }
    if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      if (entries.length === 0) return this.#put(path, '{}');
      for (const [key, child] of entries) {
        if (this.errors.length > 0) return;
        this.#walk(join(path, key), child);
      }
      return;
    }
    this.#put(path, value as PropertyValue);
  }

  #put(key: string, value: PropertyValue): void {
    if (this.errors.length > 0) return;
    if (key === '') {
      this.errors.push({
        path: '(root)',
        code: 'empty_key',
        message: 'property names must not be empty',
      });
      return;
    }
    if (key.length > MAX_KEY_LENGTH) return this.#keyTooLong(key);
    if (typeof value === 'string' && value.length > MAX_VALUE_LENGTH) {
      this.errors.push({
        path: key,
        code: 'too_long',
        message: `property values must be at most ${MAX_VALUE_LENGTH} characters`,
      });
      return;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      this.errors.push({ path: key, code: 'invalid_number', message: 'must be a finite number' });
      return;
    }
    if (this.#values.has(key)) {
      this.errors.push({
        path: key,
        code: 'duplicate_key',
        message: 'two fields flatten to this property name',
      });
      return;
    }
    this.#values.set(key, value);
    if (this.#values.size > MAX_PROPERTIES) this.#tooMany();
  }

  #keyTooLong(key: string): void {
    this.errors.push({
      path: key.slice(0, MAX_KEY_LENGTH),
      code: 'key_too_long',
      message: `flattened property names must be at most ${MAX_KEY_LENGTH} characters`,
    });
  }

  #tooMany(): void {
    this.errors.push({
      path: 'properties',
      code: 'too_many_properties',
      message: `more than ${MAX_PROPERTIES} properties after flattening (properties, traits and context together)`,
    });
  }
}

const join = (prefix: string, key: string) => (prefix === '' ? key : `${prefix}.${key}`);
