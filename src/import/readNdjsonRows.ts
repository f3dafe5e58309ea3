import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import type { SourceRow } from './sourceRow.js';

/** One event per line in the API's shape; blank lines are skipped, a line that is not JSON is a rejected row. */
export async function* readNdjsonRows(stream: Readable): AsyncGenerator<SourceRow> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, event: JSON.parse(text) as unknown };
    } catch (err) {
      yield {
        line,
        errors: [{ path: '(row)', code: 'invalid_json', message: (err as Error).message }],
      };
    }
  }
}
