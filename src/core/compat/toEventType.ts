/**
 * A Segment or PostHog event name as one of our types (`a-z0-9_.:-`, at most 64): lower-cased, every
 * run of other characters one `_`, no `_` at either end (`Order Completed` → `order_completed`).
 * PostHog's own `$` names get the `ph:` prefix (`$pageview` → `ph:pageview`) so they stay apart from
 * custom names. Undefined when nothing is left.
 */
export function toEventType(name: string): string | undefined {
  const own = name.startsWith('$');
  const base = (own ? name.slice(1) : name)
    .toLowerCase()
    .replace(/[^a-z0-9_.:-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (base === '') return undefined;
  return (own ? `ph:${base}` : base).slice(0, 64);
}
