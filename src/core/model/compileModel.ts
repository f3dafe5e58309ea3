import type { Reason, Scorer } from '../../ports.js';
import type { AcceptedEvent } from '../event.js';
import { compileFeatures } from './compileFeatures.js';
import type { ModelFile } from './modelSchema.js';
import { sigmoid } from './sigmoid.js';

export interface CompiledModel extends Scorer {
  readonly columns: readonly string[];
  /** The decision function (log-odds of classes_[1]) alone: no reasons, no allocation. */
  logit(event: AcceptedEvent): number;
}

/**
 * Turns a validated model file into a scorer. The score is scikit-learn's predict_proba[:, 1]:
 * sigmoid(intercept + Σ coef·(x − mean)/scale); the reasons are the (up to) three largest
 * |coef·(x − mean)/scale|, zeros left out. Buffers are reused between calls, which is safe
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
  const columns = plan.columns;

  function logit(event: AcceptedEvent): number {
    plan.extract(event, x);
    let z = intercept;
    for (let j = 0; j < n; j++) z += (coef[j]! * (x[j]! - mean[j]!)) / scale[j]!;
    return z;
  }

  const reason = (j: number): Reason => ({ feature: columns[j]!, contribution: contribution[j]! });

  function score(event: AcceptedEvent): { score: number; reasons: Reason[] } {
    plan.extract(event, x);
    let z = intercept;
    // The three largest |contributions|, kept in locals: cheaper than sorting or a heap.
    let i0 = -1;
    let i1 = -1;
    let i2 = -1;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let j = 0; j < n; j++) {
      const c = (coef[j]! * (x[j]! - mean[j]!)) / scale[j]!;
      contribution[j] = c;
      z += c;
      const size = c < 0 ? -c : c;
      if (size > s2) {
        if (size > s1) {
          i2 = i1;
          s2 = s1;
          if (size > s0) {
            i1 = i0;
            s1 = s0;
            i0 = j;
            s0 = size;
          } else {
            i1 = j;
            s1 = size;
          }
        } else {
          i2 = j;
          s2 = size;
        }
      }
    }
    const reasons =
      i0 < 0
        ? []
        : i1 < 0
          ? [reason(i0)]
          : i2 < 0
            ? [reason(i0), reason(i1)]
            : [reason(i0), reason(i1), reason(i2)];
    return { score: sigmoid(z), reasons };
  }

  return { name: model.name, version: model.version, columns, logit, score };
}
