import type { FieldError } from '../event.js';
import { MAX_JSON_DEPTH } from '../eventLimits.js';
import { nestsDeeperThan } from '../jsonDepth.js';
import type { ColumnTarget } from './columnMapping.js';

export type RowOutcome =
  { ok: true; event: Record<string, unknown> } | { ok: false; errors: FieldError[] };

const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const SPACED_OFFSET = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2}))$/;

/** CSV exports often write `2024-03-01 10:00:00`: read without an offset, a time is UTC. */
export function normaliseTimestamp(text: string): string {
  if (NO_OFFSET.test(text)) return `${text.replace(' ', 'T')}Z`;
  const spaced = SPACED_OFFSET.exec(text);
  return spaced ? `${spaced[1]}T${spaced[2]}` : text;
}

/**
 * Turns one CSV record into an event in the API's shape. An empty cell means the field is absent;
 * what the API would check (formats, lengths) is left to it, so the errors are the API's own.
 */
export function mapRow(cells: readonly string[], targets: readonly ColumnTarget[]): RowOutcome {
  if (cells.length !== targets.length) {
    return {
      ok: false,
      errors: [
        {
          path: '(row)',
          code: 'column_count',
          message: `row has ${cells.length} columns, the header has ${targets.length}`,
        },
      ],
    };
  }
  const event: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  let properties: Record<string, unknown> | undefined;
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i]!;
    const cell = cells[i]!;
    if (cell === '' || target === 'ignore') continue;
    if (typeof target === 'object') {
      properties ??= {};
      // Defined, not assigned: a column named `__proto__` is data like any other.
      Object.defineProperty(properties, target.property, {
        value: cell,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (target === 'amount') {
      const amount = Number(cell.trim());
      if (cell.trim() === '' || !Number.isFinite(amount)) {
        errors.push({ path: 'amount', code: 'invalid_number', message: 'must be a finite number' });
      } else event.amount = amount;
    } else if (target === 'properties') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(cell);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        errors.push({
          path: 'properties',
          code: 'invalid_json',
          message: 'must be a JSON object',
        });
      } else if (nestsDeeperThan(parsed, MAX_JSON_DEPTH)) {
        // the row's id is built by serialising it, which deep nesting would overflow
        errors.push({
          path: 'properties',
          code: 'too_deep',
          message: `nesting must be at most ${MAX_JSON_DEPTH} levels deep`,
        });
      } else properties = { ...(parsed as Record<string, unknown>), ...properties };
    } else if (target === 'occurredAt') event.occurredAt = normaliseTimestamp(cell.trim());
    else event[target] = cell;
  }
  if (errors.length > 0) return { ok: false, errors };
  if (properties !== undefined) event.properties = properties;
  return { ok: true, event };
}
