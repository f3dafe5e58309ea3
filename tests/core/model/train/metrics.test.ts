import { describe, expect, it } from 'vitest';

import { calibrationTable, logLoss, rocAuc } from '../../../../src/core/model/train/metrics.js';

describe('metrics', () => {
  it('logLoss is the mean negative log-likelihood, clipped at 1e-15', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 10);
  });

  it('rocAuc counts pairs ranked right, ties as half', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it('calibrationTable bins predictions and leaves out empty bins', () => {
    expect(calibrationTable([0, 1, 1, 0], [0.05, 0.15, 0.95, 1], 10)).toEqual([
      { from: 0, to: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 },
      { from: 0.1, to: 0.2, count: 1, meanPredicted: 0.15, observedRate: 1 },
      { from: 0.9, to: 1, count: 2, meanPredicted: 0.975, observedRate: 0.5 },
    ]);
  });
});
