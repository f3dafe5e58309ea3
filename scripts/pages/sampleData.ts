import type { ClientEvent } from '../../src/core/event.js';

const DAY_MS = 86_400_000;
const TYPES = ['page_view', 'search', 'add_to_cart', 'checkout'] as const;

export interface SampleData {
  events: ClientEvent[];
  /** First and last UTC day the events fall on. */
  from: string;
  to: string;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A small known data set over the 5 days ending at `now`: user-a is active every day, the others on
 * fewer days, with more page views than checkouts, so every chart has a shape.
 */
export function sampleData(now: number): SampleData {
  const events: ClientEvent[] = [];
  const users = ['user-a', 'user-b', 'user-c', 'user-d', 'user-e', 'user-f'];
  const startOfToday = Math.floor(now / DAY_MS) * DAY_MS;
  for (let d = 4; d >= 0; d--) {
    const dayStart = startOfToday - d * DAY_MS;
    users.forEach((userId, u) => {
      if (u > 0 && (d + u) % (u + 1) !== 0) return;
      TYPES.forEach((type, t) => {
        if (t > 0 && (u + d + t) % (t + 1) !== 0) return;
        const at = Math.min(dayStart + (1 + u) * 3_600_000 + t * 60_000, now - 60_000);
        events.push({
          userId,
          type,
          occurredAt: new Date(at).toISOString(),
          ...(type === 'checkout' ? { amount: 20 + 7 * u } : {}),
          properties: { device: u % 2 === 0 ? 'mobile' : 'desktop' },
        });
      });
    });
  }
  return { events, from: dayOf(startOfToday - 4 * DAY_MS), to: dayOf(startOfToday) };
}

/** POSTs the events as one batch and waits until the scorer has stored every one. */
export async function postAndWait(baseUrl: string, events: ClientEvent[], ms = 20_000) {
  const res = await fetch(`${baseUrl}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (res.status !== 202) throw new Error(`POST /api/events answered ${res.status}`);
  const perUser = new Map<string, number>();
  for (const e of events) perUser.set(e.userId, (perUser.get(e.userId) ?? 0) + 1);
  const deadline = Date.now() + ms;
  for (;;) {
    let stored = 0;
    for (const userId of perUser.keys()) {
      const page = (await (
        await fetch(`${baseUrl}/api/users/${userId}/scores?limit=100`)
      ).json()) as { items: unknown[] };
      stored += page.items.length;
    }
    if (stored >= events.length) return;
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${events.length} events stored`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
