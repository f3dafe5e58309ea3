import type { Readable } from 'node:stream';

import { parse } from 'csv-parse';

import { type ColumnTarget, resolveMapping } from '../core/import/columnMapping.js';
import { mapRow } from '../core/import/mapRow.js';
import { FileError, type SourceRow } from './sourceRow.js';

/** csv-parse counts lines up to a record's end; a quoted cell may span lines, and the row is where it starts. */
function startLine(cells: readonly string[], endLine: number): number {
  let line = endLine;
  for (const cell of cells) {
    for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) line--;
  }
  return line;
}

/** CSV with a header row, each record mapped to the API's event shape (csv-parse does the parsing). */
export async function* readCsvRows(
  stream: Readable,
  overrides: ReadonlyMap<string, ColumnTarget>,
): AsyncGenerator<SourceRow> {
  const parser = stream.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  stream.on('error', (err) => parser.destroy(err));
  let targets: ColumnTarget[] | undefined;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (targets === undefined) {
        const mapping = resolveMapping(
          item.record.map((c) => c.trim()),
          overrides,
        );
        if (!mapping.ok)
          throw new FileError(`header (line ${item.info.lines}): ${mapping.message}`);
        targets = mapping.targets;
        continue;
      }
      const mapped = mapRow(item.record, targets);
      const line = startLine(item.record, item.info.lines);
      yield mapped.ok ? { line, event: mapped.event } : { line, errors: mapped.errors };
    }
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(`CSV: ${(err as Error).message}`);
  }
  if (targets === undefined) throw new FileError('CSV: no header row');
}
