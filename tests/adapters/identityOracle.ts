import type { ScoredEvent } from '../../src/core/event.js';
import { addDays, utcDay } from '../../src/core/time/calendarDay.js';
import type { RetentionQuery } from '../../src/ports/index.js';
import { expectedRetention } from './analyticsContract.js';

/** A small deterministic generator (mulberry32) so a failure can be reproduced. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const IDENTITY_FIRST_DAY = '2026-05-01';
const hex = (rand: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const uuid = (rand: () => number) =>
  `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-8${hex(rand, 3)}-${hex(rand, 12)}`;

/**
 * The events of browser sessions as the libraries send them, in the order they happened: each
 * identified user first browses under one or two anonymous ids (Segment's `anon:` ids and PostHog's
 * bare UUIDs), logs in (an identify carrying the link and traits), goes on as themself, and now and
 * then the anonymous id sends a late event after the login. Some anonymous visitors never log in,
 * and a few links try to merge two identified users, or chain an id onto an already linked one.
 */
export function identityDataSet(seed = 11): ScoredEvent[] {
  const rand = random(seed);
  const events: ScoredEvent[] = [];
  const at = (day: number) =>
    new Date(
      Date.parse(`${addDays(IDENTITY_FIRST_DAY, day)}T00:00:00Z`) +
        Math.floor(rand() * 86_400) * 1000,
    ).toISOString();
  const event = (userId: string, occurredAt: string, extra: Partial<ScoredEvent> = {}) => {
    const doc: ScoredEvent = {
      eventId: uuid(rand),
      userId,
      type: ['$pageview', 'click', 'purchase'][Math.floor(rand() * 3)]!,
      occurredAt,
      receivedAt: occurredAt,
      day: utcDay(occurredAt),
      score: rand(),
      model: { name: 'baseline', version: '1' },
      scoredAt: occurredAt,
      ...extra,
    };
    events.push(doc);
    return doc;
  };
  const users = [
    'ann+test@example.com',
    'google-oauth2|103476',
    'bob',
    'Zoë Müller',
    'user-5',
    'user-6',
    '用户七',
    'user-8',
  ];
  const plans = ['free', 'pro', 'team'];
  users.forEach((user, k) => {
    const sessions = 1 + (k % 2);
    for (let s = 0; s < sessions; s += 1) {
      const anon = k % 3 === 0 ? uuid(rand) : `anon:${uuid(rand)}`;
      const start = Math.floor(rand() * 6);
      const before = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < before; i += 1)
        event(anon, at(start + Math.floor(rand() * 3)), {
          ...(rand() < 0.4 && { traitsOnce: { first_page: `/p${k}-${i}` } }),
        });
      const login = at(start + 3);
      event(user, login, {
        type: '$identify',
        link: { previousId: anon, via: s === 0 ? 'identify' : 'alias' },
        traits: { plan: plans[Math.floor(rand() * 3)]!, name: `name-${k}-${s}` },
        traitsOnce: { first_page: `/login-${k}-${s}` },
      });
      // The anonymous id goes on after the login (a tab left open), on the login day or later.
      if (rand() < 0.6) event(anon, at(start + 3 + Math.floor(rand() * 3)));
    }
    const after = 1 + Math.floor(rand() * 5);
    for (let i = 0; i < after; i += 1)
      event(user, at(6 + Math.floor(rand() * 8)), {
        ...(rand() < 0.3 && { traits: { plan: plans[Math.floor(rand() * 3)]! } }),
      });
  });
  for (let v = 0; v < 4; v += 1) {
    const anon = `anon:${uuid(rand)}`;
    for (let i = 0; i < 1 + Math.floor(rand() * 3); i += 1)
      event(anon, at(Math.floor(rand() * 14)));
  }
  // Two identified users merged: refused, since user-5 has its own anonymous id linked to it.
  event(users[5]!, at(12), { link: { previousId: users[4]!, via: 'alias' } });
  event(users[4]!, at(12), { link: { previousId: users[5]!, via: 'alias' } });
  // An anonymous id already linked, linked again to someone else: refused.
  const taken = events.find((e) => e.link?.previousId.startsWith('anon:'))!;
  event(users[2]!, at(13), { link: { previousId: taken.link!.previousId, via: 'identify' } });
  // A chain: a new anonymous id linked to an id that is itself linked: it joins that person.
  const chained = `anon:${uuid(rand)}`;
  event(chained, at(9));
  event(taken.link!.previousId, at(10), { link: { previousId: chained, via: 'alias' } });
  // A group call: its traits describe the group; the user's profile names it.
  event(users[0]!, at(11), {
    type: '$groupidentify',
    group: { type: 'company', id: 'acme' },
    traits: { seats: 12 },
  });
  return events;
}

/**
 * Batches as a scorer could write them: every event in a shuffled order (links before, between or
 * after the events they join), then again some batches and single events redelivered.
 */
export function arrivalOrder(events: readonly ScoredEvent[], seed: number): ScoredEvent[][] {
  const rand = random(seed);
  const shuffled = [...events];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const batches: ScoredEvent[][] = [];
  for (let i = 0; i < shuffled.length;) {
    const size = 1 + Math.floor(rand() * 25);
    batches.push(shuffled.slice(i, i + size));
    i += size;
  }
  const again = batches.filter(() => rand() < 0.3).map((b) => [...b]);
  const links = events.filter((e) => e.link);
  return [...batches, ...again, links.filter(() => rand() < 0.5), [batches[0]![0]!]];
}

/** The first write of each eventId, in the order they arrived. */
export function firstArrivals(batches: readonly ScoredEvent[][]): ScoredEvent[] {
  const kept = new Map<string, ScoredEvent>();
  for (const doc of batches.flat()) if (!kept.has(doc.eventId)) kept.set(doc.eventId, doc);
  return [...kept.values()];
}

/**
 * The figures computed from the events and the order links first arrived in, apart from the
 * product's code: links are decided one by one (PostHog's rule), then every event counts under the
 * final person of its id.
 */
export function identityOracle(arrived: readonly ScoredEvent[]) {
  const personOf = new Map<string, string>();
  const refused: string[] = [];
  for (const e of arrived) {
    if (!e.link) continue;
    const target = personOf.get(e.userId) ?? e.userId;
    const prev = e.link.previousId;
    const held = personOf.get(prev);
    if (prev === target || held === target) continue;
    const identified = [...personOf.values()].includes(prev);
    if (held !== undefined || identified) {
      refused.push(e.eventId);
      continue;
    }
    personOf.set(prev, target);
  }
  const person = (id: string) => personOf.get(id) ?? id;
  const byPerson = new Map<string, ScoredEvent[]>();
  for (const e of arrived) {
    const p = person(e.userId);
    byPerson.set(p, [...(byPerson.get(p) ?? []), e]);
  }
  const newest = (a: ScoredEvent, b: ScoredEvent) =>
    a.occurredAt === b.occurredAt
      ? b.eventId < a.eventId
        ? -1
        : 1
      : b.occurredAt < a.occurredAt
        ? -1
        : 1;

  return {
    refused,
    person,
    persons: [...byPerson.keys()],
    linkedIds: (p: string) =>
      [...personOf]
        .filter(([, to]) => to === p)
        .map(([from]) => from)
        .sort(),
    /** Distinct persons per type and period (a day, a Monday-first week, a month), users > 0 only. */
    trendUsers(interval: 'day' | 'week' | 'month'): Map<string, number> {
      const periodOf = (day: string) => {
        if (interval === 'day') return day;
        if (interval === 'month') return `${day.slice(0, 7)}-01`;
        const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
        return addDays(day, -weekday);
      };
      const seen = new Map<string, Set<string>>();
      for (const e of arrived) {
        const key = `${periodOf(e.day)} ${e.type}`;
        seen.set(key, (seen.get(key) ?? new Set()).add(person(e.userId)));
      }
      return new Map([...seen].map(([k, v]) => [k, v.size]));
    },
    dailyActiveUsers(from: string, to: string) {
      const out: { day: string; activeUsers: number }[] = [];
      for (let day = from; day <= to; day = addDays(day, 1)) {
        const active = new Set(arrived.filter((e) => e.day === day).map((e) => person(e.userId)));
        out.push({ day, activeUsers: active.size });
      }
      return out;
    },
    retention(q: RetentionQuery) {
      // Each event under its person: cohorts of persons, not of ids.
      return expectedRetention(
        [...byPerson].flatMap(([p, events]) => events.map((e) => ({ ...e, userId: p }))),
        q,
      );
    },
    /** The person's events, newest first. */
    events: (p: string) => [...(byPerson.get(p) ?? [])].sort(newest),
    summary(id: string) {
      const p = person(id);
      const mine = byPerson.get(p) ?? [];
      if (mine.length === 0) return undefined;
      const times = mine.map((e) => e.occurredAt).sort();
      return {
        userId: p,
        linkedIds: this.linkedIds(p),
        firstSeen: times[0]!,
        lastSeen: times.at(-1)!,
        events: mine.length,
        activeDays: new Set(mine.map((e) => e.day)).size,
        latest: [...mine].sort(newest)[0]!,
      };
    },
    /** traits: the latest `traits` write per key, else the earliest `traitsOnce`; groups likewise. */
    profile(id: string) {
      const mine = (byPerson.get(person(id)) ?? []).filter((e) => !e.group);
      const asc = [...mine].sort((a, b) => -newest(a, b));
      const traits: Record<string, unknown> = {};
      for (const e of [...asc].reverse())
        for (const [k, v] of Object.entries(e.traitsOnce ?? {})) traits[k] = v;
      const set = new Set<string>();
      for (const e of asc)
        for (const [k, v] of Object.entries(e.traits ?? {})) {
          traits[k] = v;
          set.add(k);
        }
      const groups: Record<string, string> = {};
      const grouped = (byPerson.get(person(id)) ?? []).filter((e) => e.group);
      for (const e of grouped.sort((a, b) => -newest(a, b))) groups[e.group!.type] = e.group!.id;
      return { traits, groups };
    },
  };
}
