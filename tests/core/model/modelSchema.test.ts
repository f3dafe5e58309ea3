import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseModel, parseModelText } from '../../../src/core/model/modelSchema.js';

const shippedText = readFileSync(new URL('../../../models/default.json', import.meta.url), 'utf8');
interface Editable {
  [key: string]: unknown;
  features: Record<string, unknown>[];
  featureNames: string[];
  classifier?: { coef_: number[][]; intercept_: number[]; classes_: unknown[] };
}
const shipped = () => JSON.parse(shippedText) as Editable;

function refusal(edit: (m: Editable) => void): string {
  const m = shipped();
  edit(m);
  const result = parseModel(m);
  if (result.ok) throw new Error('expected the model to be refused');
  return result.error;
}

describe('parseModel', () => {
  it('takes nested property paths as sources', () => {
    const m = shipped();
    m.features[0]!.source = 'properties.cart.total';
    m.features[3]!.source = `properties.${Array(32).fill('a').join('.')}`;
    expect(parseModel(m).ok).toBe(true);
  });

  it('accepts the shipped model', () => {
    expect(parseModel(shipped())).toMatchObject({
      ok: true,
      model: { name: 'purchase-propensity' },
    });
  });

  it('refuses lengths that disagree', () => {
    expect(refusal((m) => m.classifier!.coef_[0]!.pop())).toBe(
      'classifier.coef_[0] has 19 coefficients but featureNames has 20',
    );
    expect(refusal((m) => (m.scaler = { mean_: [0], scale_: [1] }))).toBe(
      'scaler.mean_ has 1 values but featureNames has 20',
    );
    expect(refusal((m) => m.featureNames.reverse())).toMatch(
      /^featureNames\[0\] is "coupon_present" but features expand to "amount_log1p"/,
    );
    expect(refusal((m) => (m.classifier!.coef_ = [[1], [2]]))).toContain(
      'classifier.coef_: must be one row',
    );
    expect(refusal((m) => (m.classifier!.classes_ = [0, 1, 2]))).toContain(
      'must hold exactly two classes',
    );
  });

  it('refuses NaN and Infinity', () => {
    expect(refusal((m) => (m.classifier!.intercept_ = [NaN]))).toBe(
      'classifier.intercept_[0]: must be a finite number',
    );
    expect(refusal((m) => (m.classifier!.coef_[0]![3] = Infinity))).toBe(
      'classifier.coef_[0][3]: must be a finite number',
    );
    const text = shippedText.replace('"intercept_": [', '"intercept_": [NaN, ');
    expect(parseModelText(text)).toEqual({
      ok: false,
      error: expect.stringMatching(/^not valid JSON: .*allow_nan=False/) as string,
    });
  });

  it('refuses an unknown transform, a missing field and an unknown field', () => {
    expect(refusal((m) => (m.features[0]!.transform = 'sqrt'))).toBe(
      'features[0].transform: unknown transform (expected identity, log1p, presence, oneHot, hourOfDay or dayOfWeek)',
    );
    expect(refusal((m) => delete m.features[0]!.missing)).toMatch(/^features\[0\]\.missing: /);
    expect(refusal((m) => delete m.classifier)).toMatch(/^classifier: /);
    expect(refusal((m) => (m.features[1]!.clip = { min: 0 }))).toBe(
      'features[1]: Unrecognized key: "clip"',
    );
    expect(refusal((m) => (m.format = 'onnx'))).toBe('format: must be "logistic-regression/v1"');
  });

  it('refuses features that cannot be computed as declared', () => {
    expect(refusal((m) => (m.features[0]!.clip = { max: 5 }))).toBe(
      'features[0] (amount_log1p): log1p needs clip.min > -1 so that every input gives a finite value',
    );
    expect(refusal((m) => (m.features[0]!.source = 'type'))).toContain(
      'log1p needs a numeric source',
    );
    expect(refusal((m) => (m.features[3]!.source = 'amount'))).toContain(
      'hourOfDay needs occurredAt or properties.<key>',
    );
    expect(refusal((m) => (m.features[0]!.source = 'userId'))).toContain(
      'must be amount, type, occurredAt or properties.<path>',
    );
    for (const source of ['properties.', 'properties..a', 'properties.a.', 'propertiesx']) {
      expect(refusal((m) => (m.features[0]!.source = source))).toContain(
        'must be amount, type, occurredAt or properties.<path>',
      );
    }
    expect(
      refusal((m) => (m.features[0]!.source = `properties.${Array(33).fill('a').join('.')}`)),
    ).toContain('a properties path has at most 32 keys');
    expect(refusal((m) => (m.features[1]!.name = 'amount_log1p'))).toBe(
      'features[1] (amount_log1p): duplicate feature name',
    );
    expect(refusal((m) => (m.features[5]!.missing = 'watch'))).toContain(
      'missing "watch" is not one of the categories',
    );
    expect(
      refusal((m) => (m.scaler = { mean_: Array(20).fill(0), scale_: Array(20).fill(0) })),
    ).toBe('scaler.scale_[0] must be greater than 0');
  });
});
