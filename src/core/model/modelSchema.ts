import { z } from 'zod';

import { MAX_JSON_DEPTH } from '../eventLimits.js';

export const MODEL_FORMAT = 'logistic-regression/v1';

const finite = z.number({ error: 'must be a finite number' });
const text = z.string().min(1, 'must not be empty');

/**
 * Where a feature reads its input: a top-level event field or a path into `properties`
 * (`properties.device`, `properties.cart.total`, `properties.items.0.sku`), at most as deep as
 * properties may nest.
 */
const source = z
  .string()
  .refine((s) => /^(?:amount|type|occurredAt|properties(?:\.[^.]+)+)$/.test(s), {
    message: 'must be amount, type, occurredAt or properties.<path> (keys joined by dots)',
  })
  .refine((s) => s.split('.').length - 1 <= MAX_JSON_DEPTH, {
    message: `a properties path has at most ${MAX_JSON_DEPTH} keys`,
  });

const clip = z
  .strictObject({ min: finite.optional(), max: finite.optional() })
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
    message: 'min must not exceed max',
  });

const base = { name: text, source };

/** One entry per transform; each expands to the columns listed in docs/model-format.md. */
export const featureSchema = z.discriminatedUnion(
  'transform',
  [
    z.strictObject({
      ...base,
      transform: z.literal('identity'),
      clip: clip.optional(),
      missing: finite,
    }),
    z.strictObject({
      ...base,
      transform: z.literal('log1p'),
      clip: clip.optional(),
      missing: finite,
    }),
    z.strictObject({ ...base, transform: z.literal('presence') }),
    z.strictObject({
      ...base,
      transform: z.literal('oneHot'),
      categories: z.array(text).min(1, 'must list at least one category'),
      missing: text.optional(),
    }),
    z.strictObject({
      ...base,
      transform: z.literal('hourOfDay'),
      missing: z.int().min(0).max(23).optional(),
    }),
    z.strictObject({
      ...base,
      transform: z.literal('dayOfWeek'),
      missing: z.int().min(0).max(6).optional(),
    }),
  ],
  {
    error: 'unknown transform (expected identity, log1p, presence, oneHot, hourOfDay or dayOfWeek)',
  },
);
export type Feature = z.infer<typeof featureSchema>;

const metricsSchema = z.record(z.string(), finite);

export const modelFileSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT, { error: `must be "${MODEL_FORMAT}"` }),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, . _ -'),
  version: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/, 'must be 1-63 letters, digits, . _ + -'),
  createdAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }),
  description: z.string().optional(),
  features: z.array(featureSchema).min(1, 'must declare at least one feature'),
  featureNames: z.array(text).min(1, 'must name at least one column'),
  scaler: z.strictObject({ mean_: z.array(finite), scale_: z.array(finite) }).nullable(),
  classifier: z.strictObject({
    type: z.literal('LogisticRegression', { error: 'must be "LogisticRegression"' }),
    classes_: z.tuple([z.union([finite, text]), z.union([finite, text])], {
      error: 'must hold exactly two classes (binary classifier)',
    }),
    coef_: z.tuple([z.array(finite)], {
      error: 'must be one row of coefficients (binary classifier)',
    }),
    intercept_: z.tuple([finite], { error: 'must be one intercept (binary classifier)' }),
  }),
  training: z
    .looseObject({
      rows: z.int().min(0).optional(),
      metrics: metricsSchema.optional(),
    })
    .optional(),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

export type ParseModelResult = { ok: true; model: ModelFile } | { ok: false; error: string };

/** Column names a feature expands to, in coefficient order. */
export function columnNames(feature: Feature): string[] {
  switch (feature.transform) {
    case 'oneHot':
      return feature.categories.map((c) => `${feature.name}=${c}`);
    case 'hourOfDay':
    case 'dayOfWeek':
      return [`${feature.name}_sin`, `${feature.name}_cos`];
    default:
      return [feature.name];
  }
}

const NUMERIC_SOURCES = (s: string) => s === 'amount' || s.startsWith('properties.');
const TEXT_SOURCES = (s: string) => s === 'type' || s.startsWith('properties.');
const TIME_SOURCES = (s: string) => s === 'occurredAt' || s.startsWith('properties.');

/** Checks what zod cannot see one field at a time: sources per transform, and lengths that must agree. */
function consistencyError(model: ModelFile): string | undefined {
  const seen = new Set<string>();
  for (const [i, f] of model.features.entries()) {
    const at = `features[${i}] (${f.name})`;
    if (seen.has(f.name)) return `${at}: duplicate feature name`;
    seen.add(f.name);
    switch (f.transform) {
      case 'identity':
      case 'log1p':
        if (!NUMERIC_SOURCES(f.source))
          return `${at}: ${f.transform} needs a numeric source (amount or properties.<key>), not ${f.source}`;
        if (f.transform === 'log1p' && !(f.clip?.min !== undefined && f.clip.min > -1))
          return `${at}: log1p needs clip.min > -1 so that every input gives a finite value`;
        break;
      case 'oneHot':
        if (!TEXT_SOURCES(f.source))
          return `${at}: oneHot needs type or properties.<key>, not ${f.source}`;
        if (new Set(f.categories).size !== f.categories.length)
          return `${at}: categories must be unique`;
        if (f.missing !== undefined && !f.categories.includes(f.missing))
          return `${at}: missing "${f.missing}" is not one of the categories`;
        break;
      case 'hourOfDay':
      case 'dayOfWeek':
        if (!TIME_SOURCES(f.source))
          return `${at}: ${f.transform} needs occurredAt or properties.<key>, not ${f.source}`;
        break;
      case 'presence':
        break;
    }
  }
  const expanded = model.features.flatMap(columnNames);
  const n = model.featureNames.length;
  if (expanded.length !== n)
    return `featureNames has ${n} columns but features expand to ${expanded.length} (${expanded.join(', ')})`;
  const differs = expanded.findIndex((name, j) => name !== model.featureNames[j]);
  if (differs >= 0)
    return `featureNames[${differs}] is "${model.featureNames[differs]}" but features expand to "${expanded[differs]}" there`;
  const coef = model.classifier.coef_[0];
  if (coef.length !== n)
    return `classifier.coef_[0] has ${coef.length} coefficients but featureNames has ${n}`;
  if (model.scaler) {
    if (model.scaler.mean_.length !== n)
      return `scaler.mean_ has ${model.scaler.mean_.length} values but featureNames has ${n}`;
    if (model.scaler.scale_.length !== n)
      return `scaler.scale_ has ${model.scaler.scale_.length} values but featureNames has ${n}`;
    const bad = model.scaler.scale_.findIndex((s) => !(s > 0));
    if (bad >= 0) return `scaler.scale_[${bad}] must be greater than 0`;
  }
  if (model.classifier.classes_[0] === model.classifier.classes_[1])
    return 'classifier.classes_ must be two different classes';
  return undefined;
}

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return `${path === '' ? '(root)' : path}: ${issue.message}`;
}

/** Validates a parsed model file; the error names the first problems found. */
export function parseModel(json: unknown): ParseModelResult {
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map(describe);
    const more = parsed.error.issues.length - issues.length;
    return { ok: false, error: issues.join('; ') + (more > 0 ? ` (and ${more} more)` : '') };
  }
  const error = consistencyError(parsed.data);
  return error === undefined ? { ok: true, model: parsed.data } : { ok: false, error };
}

/** Parses the text of a model file: JSON first, then the schema. */
export function parseModelText(textContent: string): ParseModelResult {
  let json: unknown;
  try {
    json = JSON.parse(textContent);
  } catch (error) {
    const hint = /\b(NaN|-?Infinity)\b/.test(textContent)
      ? ' (NaN and Infinity are not JSON: export with allow_nan=False after checking the model)'
      : '';
    const reason = (error as Error).message.replace(/\s+/g, ' ');
    return { ok: false, error: `not valid JSON: ${reason}${hint}` };
  }
  return parseModel(json);
}
