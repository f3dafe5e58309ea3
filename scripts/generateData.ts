import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { generateLabeledEvents } from '../src/core/model/train/generateLabeledEvents.js';

const USAGE = 'usage: generateData --out labeled.ndjson [--rows 50000] [--seed 1]';

function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${option} must be a positive integer, not ${JSON.stringify(text)}`);
  return n;
}

/**
 * Writes seeded synthetic labelled events as ndjson: one accepted event per line plus `label`
 * (1 = the user purchases later in the same session), drawn from the known TRUE_COEFFICIENTS.
 */
export function generateData(
  argv: readonly string[],
  log: (line: string) => void = console.log,
): string {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      rows: { type: 'string', default: '50000' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  });
  if (!values.out) throw new Error(USAGE);
  const rows = generateLabeledEvents({
    seed: positiveInt(values.seed, 'seed'),
    rows: positiveInt(values.rows, 'rows'),
  });
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  const positives = rows.reduce((sum, row) => sum + row.label, 0);
  log(`wrote ${rows.length} events (${positives} labelled 1) to ${out}`);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    generateData(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
