import { acceptedEventSchema, toFieldErrors } from '../../event.js';
import type { LabeledEvent } from './generateLabeledEvents.js';

export type ParseLabeledResult = { ok: true; rows: LabeledEvent[] } | { ok: false; error: string };

/** Reads ndjson training data: each line an accepted event plus `label` 0 or 1; blank lines are skipped. */
export function parseLabeledEvents(text: string): ParseLabeledResult {
  const rows: LabeledEvent[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      return { ok: false, error: `line ${i + 1}: not valid JSON: ${(error as Error).message}` };
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return { ok: false, error: `line ${i + 1}: must be a JSON object` };
    const { label, ...event } = json as Record<string, unknown>;
    if (label !== 0 && label !== 1)
      return { ok: false, error: `line ${i + 1}: label must be 0 or 1` };
    const parsed = acceptedEventSchema.safeParse(event);
    if (!parsed.success) {
      const first = toFieldErrors(parsed.error)[0]!;
      return { ok: false, error: `line ${i + 1}: ${first.path}: ${first.message}` };
    }
    rows.push({ ...parsed.data, label });
  }
  return { ok: true, rows };
}
