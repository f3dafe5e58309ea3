import { compileFeatures } from '../compileFeatures.js';
import { compileModel } from '../compileModel.js';
import { type Feature, MODEL_FORMAT, type ModelFile, parseModel } from '../modelSchema.js';
import { DEFAULT_FEATURES } from './defaultFeatures.js';
import { fitLogisticRegression } from './fitLogisticRegression.js';
import { fitStandardScaler } from './fitStandardScaler.js';
import type { LabeledEvent } from './generateLabeledEvents.js';
import { type CalibrationBin, calibrationTable, logLoss, rocAuc } from './metrics.js';
import { splitHoldout } from './splitHoldout.js';

export interface TrainOptions {
  name: string;
  version: string;
  createdAt: string;
  /** L2 strength on standardised coefficients; scikit-learn's C = 1/l2. */
  l2: number;
  /** Seeds the holdout split. */
  seed: number;
  holdoutFraction?: number;
  features?: readonly Feature[];
  description?: string;
}

export interface TrainReport {
  rows: number;
  trainRows: number;
  holdoutRows: number;
  iterations: number;
  train: { logLoss: number; rocAuc: number };
  holdout: { logLoss: number; rocAuc: number; positiveRate: number; calibration: CalibrationBin[] };
}

export type TrainResult =
  { ok: true; model: ModelFile; report: TrainReport } | { ok: false; error: string };

const round = (v: number) => Number(v.toFixed(6));

function evaluate(model: ModelFile, rows: readonly LabeledEvent[], indices: readonly number[]) {
  const scorer = compileModel(model);
  const y = indices.map((i) => rows[i]!.label);
  const p = indices.map((i) => scorer.score(rows[i]!).score);
  return { y, p, logLoss: logLoss(y, p), rocAuc: rocAuc(y, p) };
}

/**
 * Fits StandardScaler + LogisticRegression on a seeded training split, measures it on the holdout
 * through the compiled scorer (so the metrics are those of the file as it will be served), and
 * returns a validated model file with the metrics inside.
 */
export function trainModel(rows: readonly LabeledEvent[], options: TrainOptions): TrainResult {
  const features = options.features ?? DEFAULT_FEATURES;
  const plan = compileFeatures(features);
  const cols = plan.columns.length;
  const { train, holdout } = splitHoldout(
    rows.length,
    options.holdoutFraction ?? 0.2,
    options.seed,
  );
  const labels = (ix: number[]) => new Set(ix.map((i) => rows[i]!.label)).size;
  if (labels(train) < 2 || labels(holdout) < 2)
    return {
      ok: false,
      error: `need both labels in the training and holdout parts (${rows.length} rows)`,
    };

  const x = new Float64Array(train.length * cols);
  const y = new Uint8Array(train.length);
  const row = new Float64Array(cols);
  for (const [k, i] of train.entries()) {
    plan.extract(rows[i]!, row);
    x.set(row, k * cols);
    y[k] = rows[i]!.label;
  }
  const { mean, scale } = fitStandardScaler(x, train.length, cols);
  for (let k = 0; k < train.length; k++)
    for (let j = 0; j < cols; j++) x[k * cols + j] = (x[k * cols + j]! - mean[j]!) / scale[j]!;
  const fit = fitLogisticRegression(x, y, train.length, cols, { l2: options.l2 });
  if (!fit.converged)
    return { ok: false, error: `the fit did not converge in ${fit.iterations} iterations` };

  const draft: ModelFile = {
    format: MODEL_FORMAT,
    name: options.name,
    version: options.version,
    createdAt: options.createdAt,
    description: options.description,
    features: [...features],
    featureNames: [...plan.columns],
    scaler: { mean_: [...mean], scale_: [...scale] },
    classifier: {
      type: 'LogisticRegression',
      classes_: [0, 1],
      coef_: [[...fit.coef]],
      intercept_: [fit.intercept],
    },
  };
  const onTrain = evaluate(draft, rows, train);
  const onHoldout = evaluate(draft, rows, holdout);
  const positiveRate = onHoldout.y.reduce((s: number, v) => s + v, 0) / holdout.length;
  const calibration = calibrationTable(onHoldout.y, onHoldout.p).map((b) => ({
    ...b,
    meanPredicted: round(b.meanPredicted),
    observedRate: round(b.observedRate),
  }));
  const report: TrainReport = {
    rows: rows.length,
    trainRows: train.length,
    holdoutRows: holdout.length,
    iterations: fit.iterations,
    train: { logLoss: round(onTrain.logLoss), rocAuc: round(onTrain.rocAuc) },
    holdout: {
      logLoss: round(onHoldout.logLoss),
      rocAuc: round(onHoldout.rocAuc),
      positiveRate: round(positiveRate),
      calibration,
    },
  };
  const model = {
    ...draft,
    training: {
      rows: rows.length,
      trainRows: train.length,
      holdoutRows: holdout.length,
      algorithm:
        'StandardScaler + L2 logistic regression, Newton/IRLS (scikit-learn LogisticRegression(C=1/l2))',
      l2: options.l2,
      seed: options.seed,
      iterations: fit.iterations,
      metrics: {
        holdoutLogLoss: report.holdout.logLoss,
        holdoutRocAuc: report.holdout.rocAuc,
        holdoutPositiveRate: report.holdout.positiveRate,
        trainLogLoss: report.train.logLoss,
        trainRocAuc: report.train.rocAuc,
      },
      calibration,
    },
  };
  const checked = parseModel(model);
  return checked.ok
    ? { ok: true, model: checked.model, report }
    : { ok: false, error: `trained model is invalid: ${checked.error}` };
}
