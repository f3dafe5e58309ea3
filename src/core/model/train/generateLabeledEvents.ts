import type { AcceptedEvent } from '../../event.js';
import { compileFeatures } from '../compileFeatures.js';
import { sigmoid } from '../sigmoid.js';
import { createRandom, type Random } from './createRandom.js';
import { DEFAULT_FEATURES } from './defaultFeatures.js';

export type LabeledEvent = AcceptedEvent & { label: 0 | 1 };

/**
 * The true model behind the synthetic label, on the unscaled columns of DEFAULT_FEATURES: the label
 * is drawn as Bernoulli(sigmoid(TRUE_INTERCEPT + Σ coefficient · column)). Training on enough rows
 * must recover these (after undoing the scaler).
 */
export const TRUE_INTERCEPT = -3.5;
export const TRUE_COEFFICIENTS: Readonly<Record<string, number>> = {
  amount_log1p: 0.25,
  amount_present: -0.4,
  'type=search': 0.2,
  'type=click': 0.5,
  'type=add_to_cart': 1.2,
  'type=checkout': 2,
  hour_sin: -0.3,
  hour_cos: -0.4,
  weekday_sin: 0.15,
  weekday_cos: -0.1,
  'device=mobile': -0.35,
  'device=tablet': 0.1,
  'referrer=ads': 0.3,
  'referrer=email': 0.6,
  session_seconds_log1p: 0.2,
  page_views_log1p: 0.35,
  items_in_cart: 0.12,
  discount_pct: 0.02,
  returning: 0.7,
  coupon_present: 0.5,
};

const START_MS = Date.UTC(2026, 9, 5); // a Monday
const DAYS = 56;
const TYPES = ['view', 'search', 'click', 'add_to_cart', 'checkout', 'share'] as const;
const TYPE_WEIGHTS = [45, 15, 20, 10, 5, 5];
const AMOUNT_CHANCE: Record<string, number> = {
  view: 0.2,
  search: 0.05,
  click: 0.3,
  add_to_cart: 0.9,
  checkout: 0.95,
  share: 0,
};
// Evening-heavy traffic, so hour-of-day carries signal beyond the label's own dependence on it.
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 6, 6, 6, 7, 8, 9, 10, 10, 8, 5, 3];
const HOURS = HOUR_WEIGHTS.map((_, h) => h);

function uuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + random.int(4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function properties(random: Random, type: string): NonNullable<AcceptedEvent['properties']> {
  const p: NonNullable<AcceptedEvent['properties']> = {};
  const device = random.pick(['mobile', 'desktop', 'tablet', undefined], [55, 35, 8, 2]);
  if (device !== undefined) p.device = device;
  const referrer = random.pick(
    ['ads', 'email', 'direct', 'social', undefined],
    [20, 15, 40, 10, 15],
  );
  if (referrer !== undefined) p.referrer = referrer;
  p.sessionSeconds = Math.round(Math.exp(5 + random.normal()));
  p.pageViews = 1 + Math.floor(-Math.log(1 - random.next()) * 4);
  if (type === 'add_to_cart' || type === 'checkout') p.itemsInCart = 1 + random.int(6);
  else if (random.next() < 0.5) p.itemsInCart = random.int(3);
  if (random.next() < 0.25)
    p.discountPct = random.pick([5, 10, 15, 20, 30, 50], [3, 3, 2, 2, 1, 1]);
  p.returning = random.next() < 0.4;
  if (random.next() < 0.1) p.coupon = random.pick(['SAVE10', 'WELCOME', 'VIP'], [5, 3, 1]);
  return p;
}

/**
 * Synthetic shop events with a label meaning "the user purchases later in the same session",
 * drawn from TRUE_COEFFICIENTS. The same seed and row count always give the same events.
 */
export function generateLabeledEvents(options: { seed: number; rows: number }): LabeledEvent[] {
  const random = createRandom(options.seed);
  const plan = compileFeatures(DEFAULT_FEATURES);
  const weights = Float64Array.from(plan.columns, (c) => TRUE_COEFFICIENTS[c] ?? NaN);
  const x = new Float64Array(plan.columns.length);
  const rows: LabeledEvent[] = [];
  for (let i = 0; i < options.rows; i++) {
    const type = random.pick(TYPES, TYPE_WEIGHTS);
    const hour = random.pick(HOURS, HOUR_WEIGHTS);
    const ms =
      START_MS + random.int(DAYS) * 86_400_000 + hour * 3_600_000 + random.int(3600) * 1000;
    const event: AcceptedEvent = {
      eventId: uuid(random),
      userId: `user-${random.int(5000)}`,
      type,
      occurredAt: new Date(ms).toISOString(),
      receivedAt: new Date(ms + random.int(3000)).toISOString(),
    };
    if (random.next() < (AMOUNT_CHANCE[type] ?? 0))
      event.amount = Math.round(Math.exp(3.5 + random.normal()) * 100) / 100;
    event.properties = properties(random, type);
    plan.extract(event, x);
    let z = TRUE_INTERCEPT;
    for (let j = 0; j < x.length; j++) z += weights[j]! * x[j]!;
    rows.push({ ...event, label: random.next() < sigmoid(z) ? 1 : 0 });
  }
  return rows;
}
