import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { compileModel } from '../src/core/model/compileModel.js';
import { columnNames, MODEL_FORMAT, parseModel } from '../src/core/model/modelSchema.js';
import { DEFAULT_FEATURES } from '../src/core/model/train/defaultFeatures.js';
import { generateLabeledEvents } from '../src/core/model/train/generateLabeledEvents.js';

export interface ScoringBench {
  /** Full `score()` calls per second: features, dot product, sigmoid and the top-3 reasons. */
  eventsPerSecond: number;
  /** `logit()` calls per second: feature extraction plus dot product alone. */
  logitEventsPerSecond: number;
  /** Model columns (coefficients). */
  features: number;
}

function rate(run: (i: number) => number, minMs: number): number {
  let sink = 0;
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let k = 0; k < 100_000; k++) sink += run(calls++);
    elapsed = performance.now() - start;
  }
  if (Number.isNaN(sink)) throw new Error('scores must be numbers');
  return Math.round((calls / elapsed) * 1000);
}

/**
 * Scores events of the synthetic shop (each with amount, type, time and 7 properties) with the
 * 20-column shipped feature set, on this thread. Events cycle through 4096 distinct objects.
 */
export function benchScoring(minMs = 1000): ScoringBench {
  const columns = DEFAULT_FEATURES.flatMap(columnNames);
  const parsed = parseModel({
    format: MODEL_FORMAT,
    name: 'bench',
    version: '1',
    createdAt: '2026-01-01T00:00:00Z',
    features: DEFAULT_FEATURES,
    featureNames: columns,
    scaler: { mean_: columns.map((_, j) => j / 40), scale_: columns.map((_, j) => 1 + j / 20) },
    classifier: {
      type: 'LogisticRegression',
      classes_: [0, 1],
      coef_: [columns.map((_, j) => ((j % 7) - 3) / 5)],
      intercept_: [-1],
    },
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const scorer = compileModel(parsed.model);
  const events = generateLabeledEvents({ seed: 7, rows: 4096 });
  const mask = events.length - 1;
  rate((i) => scorer.score(events[i & mask]!).score + scorer.logit(events[i & mask]!), minMs / 4);
  return {
    eventsPerSecond: rate((i) => scorer.score(events[i & mask]!).score, minMs),
    logitEventsPerSecond: rate((i) => scorer.logit(events[i & mask]!), minMs),
    features: columns.length,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const result = benchScoring();
  console.log(
    `scoring, ${result.features}-column model, one thread: ${result.eventsPerSecond.toLocaleString('en')} events/s with reasons, ` +
      `${result.logitEventsPerSecond.toLocaleString('en')} events/s features + dot product only`,
  );
}
