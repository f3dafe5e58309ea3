import { describe, expect, it } from 'vitest';

import { fitLogisticRegression } from '../../../../src/core/model/train/fitLogisticRegression.js';

const logit = (p: number) => Math.log(p / (1 - p));

/** One binary column: rows with x = 0 are positive `p0` of the time, rows with x = 1 `p1` of the time. */
function groups(n: number, p0: number, p1: number) {
  const x: number[] = [];
  const y: number[] = [];
  for (const [value, rate] of [
    [0, p0],
    [1, p1],
  ] as const)
    for (let i = 0; i < n; i++) {
      x.push(value);
      y.push(i < rate * n ? 1 : 0);
    }
  return { x: Float64Array.from(x), y: Uint8Array.from(y), rows: 2 * n };
}

describe('fitLogisticRegression', () => {
  it('finds the closed-form maximum likelihood without a penalty', () => {
    const { x, y, rows } = groups(100, 0.3, 0.6);
    const fit = fitLogisticRegression(x, y, rows, 1, { l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(logit(0.3), 10);
    expect(fit.coef[0]).toBeCloseTo(logit(0.6) - logit(0.3), 10);
  });

  it('shrinks coefficients, not the intercept, as l2 grows', () => {
    const { x, y, rows } = groups(100, 0.3, 0.6);
    const free = fitLogisticRegression(x, y, rows, 1, { l2: 0 }).coef[0]!;
    const strong = fitLogisticRegression(x, y, rows, 1, { l2: 1e6 });
    expect(Math.abs(strong.coef[0]!)).toBeLessThan(Math.abs(free) / 100);
    expect(strong.intercept).toBeCloseTo(logit(0.45), 2);
  });

  it('stays finite on separable data with a penalty', () => {
    const x = Float64Array.from([0, 0, 1, 1]);
    const y = Uint8Array.from([0, 0, 1, 1]);
    const fit = fitLogisticRegression(x, y, 4, 1, { l2: 0.1 });
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.coef[0])).toBe(true);
    expect(fit.coef[0]).toBeGreaterThan(3);
  });
});
