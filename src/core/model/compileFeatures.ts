import type { AcceptedEvent } from '../event.js';
import { utcHourAndWeekday } from '../time/utcClock.js';
import { columnNames, type Feature } from './modelSchema.js';

export interface FeaturePlan {
  /** Column names in coefficient order. */
  readonly columns: readonly string[];
  /** Writes the transformed, unscaled values of one event into out[0 … columns.length). */
  extract(event: AcceptedEvent, out: Float64Array): void;
}

const IDENTITY = 0;
const LOG1P = 1;
const PRESENCE = 2;
const ONE_HOT = 3;
const HOUR = 4;
const WEEKDAY = 5;

const AMOUNT = 0;
const TYPE = 1;
const OCCURRED_AT = 2;
const PROPERTY = 3;

const OPS = {
  identity: IDENTITY,
  log1p: LOG1P,
  presence: PRESENCE,
  oneHot: ONE_HOT,
  hourOfDay: HOUR,
  dayOfWeek: WEEKDAY,
};

const TAU = 2 * Math.PI;
// Counts and seconds are mostly small integers; a table of Math.log1p's own results skips the call.
const LOG1P_INTS = Float64Array.from({ length: 4096 }, (_, v) => Math.log1p(v));
const HOUR_SIN = Float64Array.from({ length: 24 }, (_, h) => Math.sin((TAU * h) / 24));
const HOUR_COS = Float64Array.from({ length: 24 }, (_, h) => Math.cos((TAU * h) / 24));
const DAY_SIN = Float64Array.from({ length: 7 }, (_, d) => Math.sin((TAU * d) / 7));
const DAY_COS = Float64Array.from({ length: 7 }, (_, d) => Math.cos((TAU * d) / 7));

function sourceCode(source: string): number {
  if (source === 'amount') return AMOUNT;
  if (source === 'type') return TYPE;
  if (source === 'occurredAt') return OCCURRED_AT;
  return PROPERTY;
}

/** A property path `cart.items.0.sku` as its keys; a one-key path stays a plain key read. */
export interface PropertyPath {
  /** The keys, in order; empty for a source that is not a property. */
  keys: readonly string[];
  /** A key Object.prototype has (`constructor`, `toString`, ...): read only as an own property. */
  inherited: boolean;
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The value at `path` inside `properties`: own keys of objects, decimal indexes of arrays;
 * undefined where the path leaves the data. A path of several keys that finds nothing is tried as
 * one dotted key too: events stored before properties could nest hold `{ "cart.total": 3 }`.
 */
export function readPropertyPath(
  properties: Record<string, unknown> | undefined,
  path: PropertyPath,
): unknown {
  if (properties === undefined) return undefined;
  const keys = path.keys;
  if (keys.length === 1) {
    const key = keys[0]!;
    return path.inherited && !Object.hasOwn(properties, key) ? undefined : properties[key];
  }
  let value: unknown = properties;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null) {
      value = undefined;
      break;
    }
    if (Array.isArray(value)) {
      value = INDEX.test(key) ? value[Number(key)] : undefined;
    } else {
      value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  if (value !== undefined) return value;
  const flat = keys.join('.');
  return Object.hasOwn(properties, flat) ? properties[flat] : undefined;
}

function propertyPath(source: string): PropertyPath {
  if (!source.startsWith('properties.')) return { keys: [], inherited: false };
  const keys = source.slice('properties.'.length).split('.');
  return { keys, inherited: keys.some((k) => k in Object.prototype) };
}

function asText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (typeof raw === 'number') return String(raw);
  return undefined;
}

/**
 * Compiles validated feature declarations into flat per-feature arrays, so extraction is one loop
 * over typed arrays with a switch, and allocates nothing for the usual inputs.
 */
export function compileFeatures(features: readonly Feature[]): FeaturePlan {
  const n = features.length;
  const op = new Uint8Array(n);
  const src = new Uint8Array(n);
  const path: PropertyPath[] = [];
  const col = new Int32Array(n);
  const lo = new Float64Array(n).fill(-Infinity);
  const hi = new Float64Array(n).fill(Infinity);
  const missing = new Float64Array(n);
  const width = new Int32Array(n);
  // All one-hot categories in one array; feature i's start at first[i]. A scan beats a Map for a few.
  const first = new Int32Array(n);
  const categories: string[] = [];
  const columns: string[] = [];

  for (const [i, f] of features.entries()) {
    op[i] = OPS[f.transform];
    src[i] = sourceCode(f.source);
    path.push(propertyPath(f.source));
    col[i] = columns.length;
    const names = columnNames(f);
    width[i] = names.length;
    columns.push(...names);
    first[i] = categories.length;
    missing[i] = -1;
    switch (f.transform) {
      case 'identity':
      case 'log1p':
        lo[i] = f.clip?.min ?? -Infinity;
        hi[i] = f.clip?.max ?? Infinity;
        missing[i] = f.missing;
        break;
      case 'oneHot':
        categories.push(...f.categories);
        missing[i] = f.missing === undefined ? -1 : f.categories.indexOf(f.missing);
        break;
      case 'hourOfDay':
      case 'dayOfWeek':
        missing[i] = f.missing ?? -1;
        break;
      case 'presence':
        break;
    }
  }

  function extract(event: AcceptedEvent, out: Float64Array): void {
    const props = event.properties;
    let timeText: string | undefined;
    let time = -1;
    for (let i = 0; i < n; i++) {
      const s = src[i]!;
      const raw: unknown =
        s === AMOUNT
          ? event.amount
          : s === TYPE
            ? event.type
            : s === OCCURRED_AT
              ? event.occurredAt
              : readPropertyPath(props, path[i]!);
      const c = col[i]!;
      switch (op[i]) {
        case IDENTITY:
        case LOG1P: {
          let v =
            typeof raw === 'number' && Number.isFinite(raw)
              ? raw
              : typeof raw === 'boolean'
                ? +raw
                : missing[i]!;
          if (v < lo[i]!) v = lo[i]!;
          if (v > hi[i]!) v = hi[i]!;
          out[c] =
            op[i] !== LOG1P
              ? v
              : (v | 0) === v && v >= 0 && v < 4096
                ? LOG1P_INTS[v]!
                : Math.log1p(v);
          break;
        }
        case PRESENCE:
          out[c] = raw === undefined || raw === null ? 0 : 1;
          break;
        case ONE_HOT: {
          const w = width[i]!;
          for (let k = 0; k < w; k++) out[c + k] = 0;
          const t = asText(raw);
          let k = t === undefined ? missing[i]! : -1;
          if (t !== undefined) {
            const from = first[i]!;
            for (let m = 0; m < w; m++) {
              if (categories[from + m] === t) {
                k = m;
                break;
              }
            }
          }
          if (k >= 0) out[c + k] = 1;
          break;
        }
        case HOUR:
        case WEEKDAY: {
          const isHour = op[i] === HOUR;
          if (typeof raw === 'string') {
            if (raw !== timeText) {
              timeText = raw;
              time = utcHourAndWeekday(raw);
            }
          }
          const read = typeof raw !== 'string' || time < 0 ? -1 : isHour ? time >> 3 : time & 7;
          const v = read >= 0 ? read : missing[i]!;
          out[c] = v < 0 ? 0 : isHour ? HOUR_SIN[v]! : DAY_SIN[v]!;
          out[c + 1] = v < 0 ? 0 : isHour ? HOUR_COS[v]! : DAY_COS[v]!;
          break;
        }
      }
    }
  }

  return { columns, extract };
}
