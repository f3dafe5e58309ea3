import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import { MAX_JSON_DEPTH } from '../core/eventLimits.js';
import { nestsDeeperThan } from '../core/jsonDepth.js';
import type { SourceRow } from './sourceRow.js';

/** One event per line in the API's shape; blank lines are skipped, a line that is not JSON is a rejected row. */
export async function* readNdjsonRows(stream: Readable): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(text) as unknown;
    } catch (err) {
      yield {
        line,
        errors: [{ path: '(row)', code: 'invalid_json', message: (err as Error).message }],
      };
      continue;
    }
    // The row's id and its batch are built by serialising it, which deep nesting would overflow.
    if (nestsDeeperThan(event, MAX_JSON_DEPTH + 1)) {
      yield {
        line,
        errors: [
          {
            path: '(row)',
            code: 'too_deep',
            message: `nesting must be at most ${MAX_JSON_DEPTH} levels deep inside a field`,
          },
        ],
      };
      continue;
    }
    yield { line, event };
  }
}
