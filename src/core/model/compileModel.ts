import type { AcceptedEvent } from '../event.js';
import type { Reason, Scorer } from '../../ports.js';
import { compileFeatures } from './compileFeatures.js';
import type { ModelFile } from './modelSchema.js';
import { sigmoid } from './sigmoid.js';

/** How many contributions `score` returns as reasons. */
export const REASON_COUNT = 3;

export interface CompiledModel extends Scorer {
  readonly columns: readonly string[];
  /** The decision function (log-odds of classes_[1]) alone: no reasons, no allocation. */
  logit(event: AcceptedEvent): number;
}

/**
 * Turns a validated model file into a scorer. The score is scikit-learn's predict_proba[:, 1]:
 * sigmoid(intercept + Σ coef·(x − mean)/scale). Buffers are reused between calls, which is safe
 * because scoring is synchronous.
 */
export function compileModel(model: ModelFile): CompiledModel {
  const plan = compileFeatures(model.features);
  const n = plan.columns.length;
  const coef = Float64Array.from(model.classifier.coef_[0]);
  const intercept = model.classifier.intercept_[0];
  const mean = model.scaler ? Float64Array.from(model.scaler.mean_) : new Float64Array(n);
  const scale = model.scaler ? Float64Array.from(model.scaler.scale_) : new Float64Array(n).fill(1);
  const x = new Float64Array(n);
  const contribution = new Float64Array(n);
  const topIndex = new Int32Array(REASON_COUNT);
  const topSize = new Float64Array(REASON_COUNT);

  function logit(event: AcceptedEvent): number {
    plan.extract(event, x);
    let z = intercept;
    for (let j = 0; j < n; j++) z += (coef[j]! * (x[j]! - mean[j]!)) / scale[j]!;
    return z;
  }

  function score(event: AcceptedEvent): { score: number; reasons: Reason[] } {
    plan.extract(event, x);
    let z = intercept;
    topIndex.fill(-1);
    topSize.fill(0);
    for (let j = 0; j < n; j++) {
      const c = (coef[j]! * (x[j]! - mean[j]!)) / scale[j]!;
      contribution[j] = c;
      z += c;
      const size = Math.abs(c);
      if (size > topSize[REASON_COUNT - 1]!) {
        let k = REASON_COUNT - 1;
        while (k > 0 && size > topSize[k - 1]!) {
          topSize[k] = topSize[k - 1]!;
          topIndex[k] = topIndex[k - 1]!;
          k--;
        }
        topSize[k] = size;
        topIndex[k] = j;
      }
    }
    const reasons: Reason[] = [];
    for (let k = 0; k < REASON_COUNT; k++) {
      const j = topIndex[k]!;
      if (j < 0) break;
      reasons.push({ feature: plan.columns[j]!, contribution: contribution[j]! });
    }
    return { score: sigmoid(z), reasons };
  }

  return { name: model.name, version: model.version, columns: plan.columns, logit, score };
}
