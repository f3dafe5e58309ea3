import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { z } from 'zod';

import { featureSchema } from '../src/core/model/modelSchema.js';
import { serializeModel } from '../src/core/model/serializeModel.js';
import { parseLabeledEvents } from '../src/core/model/train/parseLabeledEvents.js';
import { trainModel, type TrainReport } from '../src/core/model/train/trainModel.js';

const USAGE =
  'usage: train --input labeled.ndjson --out models/<name>.json [--name purchase-propensity] ' +
  '[--version 1.0.0] [--seed 1] [--l2 1] [--holdout 0.2] [--created-at <ISO time, default now>] ' +
  '[--features features.json] [--description text]';

function number(text: string, option: string, check: (n: number) => boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new Error(`--${option} is invalid: ${JSON.stringify(text)}`);
  return n;
}

function formatReport(report: TrainReport): string[] {
  const lines = [
    `rows ${report.rows} (train ${report.trainRows}, holdout ${report.holdoutRows}), ${report.iterations} Newton iterations`,
    `train    log loss ${report.train.logLoss.toFixed(4)}  ROC AUC ${report.train.rocAuc.toFixed(4)}`,
    `holdout  log loss ${report.holdout.logLoss.toFixed(4)}  ROC AUC ${report.holdout.rocAuc.toFixed(4)}  positive rate ${report.holdout.positiveRate.toFixed(4)}`,
    'calibration (holdout)   bin        count  predicted  observed',
  ];
  for (const b of report.holdout.calibration)
    lines.push(
      `                        ${b.from.toFixed(1)}-${b.to.toFixed(1)}  ${String(b.count).padStart(9)}  ${b.meanPredicted.toFixed(4).padStart(9)}  ${b.observedRate.toFixed(4).padStart(8)}`,
    );
  return lines;
}

/** Trains a model from labelled ndjson and writes the model file; throws with a message on bad input. */
export function train(
  argv: readonly string[],
  log: (line: string) => void = console.log,
): TrainReport {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      input: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string', default: 'purchase-propensity' },
      version: { type: 'string', default: '1.0.0' },
      seed: { type: 'string', default: '1' },
      l2: { type: 'string', default: '1' },
      holdout: { type: 'string', default: '0.2' },
      'created-at': { type: 'string' },
      features: { type: 'string' },
      description: { type: 'string' },
    },
    strict: true,
  });
  if (!values.input || !values.out) throw new Error(USAGE);
  const createdAt = values['created-at'] ?? new Date().toISOString();
  if (!z.iso.datetime({ offset: true }).safeParse(createdAt).success)
    throw new Error(`--created-at must be an ISO-8601 timestamp, not ${JSON.stringify(createdAt)}`);
  const features = values.features
    ? z.array(featureSchema).parse(JSON.parse(readFileSync(resolve(values.features), 'utf8')))
    : undefined;

  const data = parseLabeledEvents(readFileSync(resolve(values.input), 'utf8'));
  if (!data.ok) throw new Error(`${values.input}: ${data.error}`);
  const result = trainModel(data.rows, {
    name: values.name,
    version: values.version,
    createdAt,
    l2: number(values.l2, 'l2', (n) => n >= 0),
    seed: number(values.seed, 'seed', Number.isSafeInteger),
    holdoutFraction: number(values.holdout, 'holdout', (n) => n > 0 && n < 1),
    features,
    description: values.description,
  });
  if (!result.ok) throw new Error(result.error);

  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, serializeModel(result.model));
  for (const line of formatReport(result.report)) log(line);
  log(`wrote ${result.model.name}@${result.model.version} to ${out}`);
  return result.report;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    train(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
