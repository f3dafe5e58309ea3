import { describe, expect, it } from 'vitest';

import { compileModel } from '../../../../src/core/model/compileModel.js';
import { serializeModel } from '../../../../src/core/model/serializeModel.js';
import { createRandom } from '../../../../src/core/model/train/createRandom.js';
import {
  generateLabeledEvents,
  TRUE_COEFFICIENTS,
  TRUE_INTERCEPT,
} from '../../../../src/core/model/train/generateLabeledEvents.js';
import { splitHoldout } from '../../../../src/core/model/train/splitHoldout.js';
import { trainModel, type TrainOptions } from '../../../../src/core/model/train/trainModel.js';

const options: TrainOptions = {
  name: 'm',
  version: '1',
  createdAt: '2026-01-01T00:00:00Z',
  l2: 1,
  seed: 3,
};

describe('trainModel', () => {
  it('recovers the generator’s true coefficients within 0.2 from 100,000 rows', () => {
    const result = trainModel(generateLabeledEvents({ seed: 11, rows: 100_000 }), options);
    if (!result.ok) throw new Error(result.error);
    const { featureNames, scaler, classifier } = result.model;
    // Undo the scaler: raw coefficient = coef / scale; raw intercept = intercept − Σ coef·mean/scale.
    let intercept = classifier.intercept_[0];
    const raw = featureNames.map((name, j) => {
      const w = classifier.coef_[0][j]! / scaler!.scale_[j]!;
      intercept -= w * scaler!.mean_[j]!;
      return [name, w] as const;
    });
    for (const [name, w] of raw)
      expect(Math.abs(w - TRUE_COEFFICIENTS[name]!), name).toBeLessThan(0.2);
    expect(Math.abs(intercept - TRUE_INTERCEPT)).toBeLessThan(0.2);
    expect(result.report.holdout.rocAuc).toBeGreaterThan(0.7);
  });

  it('is deterministic for a seed, and the file scores what the report measured', () => {
    const rows = generateLabeledEvents({ seed: 5, rows: 3000 });
    const a = trainModel(rows, options);
    const b = trainModel(generateLabeledEvents({ seed: 5, rows: 3000 }), options);
    const c = trainModel(rows, { ...options, seed: 4 });
    if (!a.ok || !b.ok || !c.ok) throw new Error('training failed');
    expect(serializeModel(a.model)).toBe(serializeModel(b.model));
    expect(serializeModel(c.model)).not.toBe(serializeModel(a.model));
    expect(a.model.training?.metrics?.holdoutRocAuc).toBe(a.report.holdout.rocAuc);
    const scorer = compileModel(a.model);
    expect(scorer.score(rows[0]!).score).toBeGreaterThan(0);
  });

  it('refuses data with a single label', () => {
    const rows = generateLabeledEvents({ seed: 5, rows: 200 }).map((r) => ({
      ...r,
      label: 0 as const,
    }));
    expect(trainModel(rows, options)).toEqual({
      ok: false,
      error: expect.stringContaining('need both labels') as string,
    });
  });
});

describe('generateLabeledEvents / splitHoldout / createRandom', () => {
  it('repeat exactly for a seed and differ across seeds', () => {
    expect(generateLabeledEvents({ seed: 9, rows: 50 })).toEqual(
      generateLabeledEvents({ seed: 9, rows: 50 }),
    );
    expect(generateLabeledEvents({ seed: 9, rows: 50 })).not.toEqual(
      generateLabeledEvents({ seed: 10, rows: 50 }),
    );
    expect(splitHoldout(10, 0.3, 1)).toEqual(splitHoldout(10, 0.3, 1));
    const { train, holdout } = splitHoldout(10, 0.3, 1);
    expect(holdout).toHaveLength(3);
    expect([...train, ...holdout].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const r = createRandom(42);
    const draws = Array.from({ length: 10_000 }, () => r.next());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, v) => s + v, 0) / draws.length).toBeCloseTo(0.5, 1);
  });
});
