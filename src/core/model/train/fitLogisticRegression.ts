import { choleskySolve } from './choleskySolve.js';

export interface LogisticFit {
  coef: Float64Array;
  intercept: number;
  iterations: number;
  converged: boolean;
}

export interface FitOptions {
  /** L2 strength λ on the coefficients (not the intercept); scikit-learn's C is 1/λ. */
  l2: number;
  maxIterations?: number;
  /** Stop when the Newton step moves no parameter by more than this. */
  tolerance?: number;
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function objective(
  x: Float64Array,
  y: Uint8Array,
  rows: number,
  cols: number,
  beta: Float64Array,
  l2: number,
): number {
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    let z = beta[0]!;
    for (let j = 0; j < cols; j++) z += beta[j + 1]! * x[i * cols + j]!;
    loss += softplus(z) - y[i]! * z;
  }
  let penalty = 0;
  for (let j = 1; j <= cols; j++) penalty += beta[j]! * beta[j]!;
  return loss + 0.5 * l2 * penalty;
}

/**
 * Binary logistic regression by Newton's method (IRLS) with backtracking, minimising
 * Σ log-loss + λ/2·‖w‖², the objective of scikit-learn's LogisticRegression(C=1/λ). `x` is
 * row-major rows × cols. Deterministic: no randomness, a fixed order of summation.
 */
export function fitLogisticRegression(
  x: Float64Array,
  y: Uint8Array,
  rows: number,
  cols: number,
  options: FitOptions,
): LogisticFit {
  const p = cols + 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const beta = new Float64Array(p);
  const gradient = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  const row = new Float64Array(p);
  let current = objective(x, y, rows, cols, beta, options.l2);

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    gradient.fill(0);
    hessian.fill(0);
    for (let i = 0; i < rows; i++) {
      row[0] = 1;
      for (let j = 0; j < cols; j++) row[j + 1] = x[i * cols + j]!;
      let z = 0;
      for (let j = 0; j < p; j++) z += beta[j]! * row[j]!;
      const prob = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const residual = prob - y[i]!;
      const weight = prob * (1 - prob);
      for (let a = 0; a < p; a++) {
        gradient[a]! += residual * row[a]!;
        const wa = weight * row[a]!;
        for (let b = 0; b <= a; b++) hessian[a * p + b]! += wa * row[b]!;
      }
    }
    for (let a = 1; a < p; a++) {
      gradient[a]! += options.l2 * beta[a]!;
      hessian[a * p + a]! += options.l2;
    }
    for (let a = 0; a < p; a++)
      for (let b = 0; b < a; b++) hessian[b * p + a] = hessian[a * p + b]!;

    const step = choleskySolve(hessian, gradient, p);
    let size = 0;
    for (let j = 0; j < p; j++) size = Math.max(size, Math.abs(step[j]!));
    // Near the optimum the decrease is below rounding, so the acceptance test allows for it.
    const slack = 1e-12 * Math.max(1, Math.abs(current));
    const next = new Float64Array(p);
    let t = 1;
    for (let halvings = 0; halvings <= 30; halvings++, t /= 2) {
      for (let j = 0; j < p; j++) next[j] = beta[j]! - t * step[j]!;
      const value = objective(x, y, rows, cols, next, options.l2);
      if (value <= current + slack) {
        beta.set(next);
        current = Math.min(current, value);
        break;
      }
    }
    if (size < tolerance)
      return { coef: beta.slice(1), intercept: beta[0]!, iterations: iteration, converged: true };
  }
  return { coef: beta.slice(1), intercept: beta[0]!, iterations: maxIterations, converged: false };
}
