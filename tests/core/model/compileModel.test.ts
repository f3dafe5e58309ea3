import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { AcceptedEvent } from '../../../src/core/event.js';
import { compileModel } from '../../../src/core/model/compileModel.js';
import { type ModelFile, parseModel } from '../../../src/core/model/modelSchema.js';

const event = (over: Partial<AcceptedEvent> = {}): AcceptedEvent => ({
  eventId: '00000000-0000-4000-8000-000000000000',
  userId: 'u1',
  type: 'view',
  occurredAt: '2026-11-24T18:30:00.000Z',
  receivedAt: '2026-11-24T18:30:01.000Z',
  ...over,
});

function model(over: Partial<ModelFile> = {}): ModelFile {
  const file = {
    format: 'logistic-regression/v1',
    name: 'm',
    version: '1',
    createdAt: '2026-01-01T00:00:00Z',
    features: [
      { name: 'amount', source: 'amount', transform: 'identity', missing: 0 },
      { name: 'type', source: 'type', transform: 'oneHot', categories: ['click', 'purchase'] },
    ],
    featureNames: ['amount', 'type=click', 'type=purchase'],
    scaler: null,
    classifier: {
      type: 'LogisticRegression',
      classes_: [0, 1],
      coef_: [[0.5, 1, 2]],
      intercept_: [-1],
    },
    ...over,
  };
  const parsed = parseModel(file);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.model;
}

describe('compileModel', () => {
  it('scores like predict_proba[:, 1] for hand-computed logits', () => {
    const scorer = compileModel(model());
    // z = -1 + 0.5·2 + 2 = 2 → 1 / (1 + e^-2)
    expect(scorer.score(event({ amount: 2, type: 'purchase' })).score).toBeCloseTo(
      0.8807970779778823,
      12,
    );
    // z = -1 → e^-1 / (1 + e^-1)
    expect(scorer.score(event()).score).toBeCloseTo(0.2689414213699951, 12);
  });

  it('applies the scaler before the coefficients', () => {
    const scorer = compileModel(
      model({ scaler: { mean_: [10, 0.5, 0.5], scale_: [4, 0.5, 0.5] } }),
    );
    // x = (14, 0, 1) → scaled (1, -1, 1); z = -1 + 0.5 - 1 + 2 = 0.5
    const { score, reasons } = scorer.score(event({ amount: 14, type: 'purchase' }));
    expect(score).toBeCloseTo(0.6224593312018546, 12);
    expect(reasons).toEqual([
      { feature: 'type=purchase', contribution: 2 },
      { feature: 'type=click', contribution: -1 },
      { feature: 'amount', contribution: 0.5 },
    ]);
  });

  it('stays finite and exact at extreme logits', () => {
    const scorer = compileModel(model());
    expect(scorer.score(event({ amount: 1602 })).score).toBe(1); // z = 800
    expect(scorer.score(event({ amount: -1598 })).score).toBe(0); // z = -800
    // z = -40: e^-40 / (1 + e^-40), far below 1e-9 but not zero
    const tiny = scorer.score(event({ amount: -78 })).score;
    expect(tiny).toBeGreaterThan(0);
    expect(tiny).toBeCloseTo(4.248354255291589e-18, 30);
  });

  it('gives fewer reasons when fewer columns contribute, never a zero one', () => {
    const scorer = compileModel(model());
    expect(scorer.score(event({ type: 'click' })).reasons).toEqual([
      { feature: 'type=click', contribution: 1 },
    ]);
    expect(scorer.score(event()).reasons).toEqual([]);
    expect(scorer.logit(event({ amount: 4, type: 'click' }))).toBe(2);
  });

  it('scores the shipped model like a by-hand reference (pipeline.predict_proba written out)', () => {
    const parsed = parseModel(
      JSON.parse(readFileSync(new URL('../../../models/default.json', import.meta.url), 'utf8')),
    );
    if (!parsed.ok) throw new Error(parsed.error);
    const { scaler, classifier, featureNames } = parsed.model;
    const tau = 2 * Math.PI;
    const cases: [AcceptedEvent, number[]][] = [
      [
        event({
          type: 'add_to_cart',
          amount: 49.99,
          properties: {
            device: 'tablet',
            referrer: 'email',
            sessionSeconds: 300,
            pageViews: 7,
            itemsInCart: 25,
            discountPct: 10,
            returning: true,
            coupon: 'SAVE10',
          },
        }),
        // amount, present, type ×4, hour ×2 (18h), weekday ×2 (Tuesday = 1), device ×2, referrer ×2,
        // session, pages, items (clipped to 20), discount, returning, coupon
        [
          Math.log1p(49.99),
          1,
          0,
          0,
          1,
          0,
          Math.sin((tau * 18) / 24),
          Math.cos((tau * 18) / 24),
          Math.sin(tau / 7),
          Math.cos(tau / 7),
          0,
          1,
          0,
          1,
          Math.log1p(300),
          Math.log1p(7),
          20,
          10,
          1,
          1,
        ],
      ],
      [
        event({ occurredAt: '2026-11-29T00:05:00.000Z' }), // Sunday = 6, 0h; device missing → mobile
        [
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          1,
          Math.sin((tau * 6) / 7),
          Math.cos((tau * 6) / 7),
          1,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
        ],
      ],
    ];
    const scorer = compileModel(parsed.model);
    for (const [e, x] of cases) {
      const contributions = x.map(
        (v, j) => (classifier.coef_[0][j]! * (v - scaler!.mean_[j]!)) / scaler!.scale_[j]!,
      );
      const z = contributions.reduce((sum, c) => sum + c, classifier.intercept_[0]);
      const { score, reasons } = scorer.score(e);
      expect(Math.abs(score - 1 / (1 + Math.exp(-z)))).toBeLessThan(1e-12);
      const top = featureNames
        .map((feature, j) => ({ feature, contribution: contributions[j]! }))
        .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
        .slice(0, 3);
      expect(reasons.map((r) => r.feature)).toEqual(top.map((r) => r.feature));
      reasons.forEach((r, k) => expect(r.contribution).toBeCloseTo(top[k]!.contribution, 12));
    }
  });
});
