import type { Feature } from '../modelSchema.js';

/**
 * The features of the shipped model: 13 declarations expanding to 20 columns. One-hot lists leave
 * out one baseline value (view, desktop, direct) so the columns are not collinear with the intercept.
 */
export const DEFAULT_FEATURES: readonly Feature[] = [
  {
    name: 'amount_log1p',
    source: 'amount',
    transform: 'log1p',
    clip: { min: 0, max: 100_000 },
    missing: 0,
  },
  { name: 'amount_present', source: 'amount', transform: 'presence' },
  {
    name: 'type',
    source: 'type',
    transform: 'oneHot',
    categories: ['search', 'click', 'add_to_cart', 'checkout'],
  },
  { name: 'hour', source: 'occurredAt', transform: 'hourOfDay' },
  { name: 'weekday', source: 'occurredAt', transform: 'dayOfWeek' },
  {
    name: 'device',
    source: 'properties.device',
    transform: 'oneHot',
    categories: ['mobile', 'tablet'],
    missing: 'mobile',
  },
  {
    name: 'referrer',
    source: 'properties.referrer',
    transform: 'oneHot',
    categories: ['ads', 'email'],
  },
  {
    name: 'session_seconds_log1p',
    source: 'properties.sessionSeconds',
    transform: 'log1p',
    clip: { min: 0, max: 86_400 },
    missing: 0,
  },
  {
    name: 'page_views_log1p',
    source: 'properties.pageViews',
    transform: 'log1p',
    clip: { min: 0, max: 1_000 },
    missing: 0,
  },
  {
    name: 'items_in_cart',
    source: 'properties.itemsInCart',
    transform: 'identity',
    clip: { min: 0, max: 20 },
    missing: 0,
  },
  {
    name: 'discount_pct',
    source: 'properties.discountPct',
    transform: 'identity',
    clip: { min: 0, max: 90 },
    missing: 0,
  },
  { name: 'returning', source: 'properties.returning', transform: 'identity', missing: 0 },
  { name: 'coupon_present', source: 'properties.coupon', transform: 'presence' },
];
