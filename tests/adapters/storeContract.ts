import { randomUUID } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ScoredEvent } from '../../src/core/event.js';
import { utcDay } from '../../src/core/time/calendarDay.js';
import type { ScoreCursor, ScoreStore } from '../../src/ports/index.js';

export interface StoreUnderTest {
  store: ScoreStore;
  cleanup(): Promise<void>;
}

export function scoredEvent(
  userId: string,
  occurredAt: string,
  extra: Partial<ScoredEvent> = {},
): ScoredEvent {
  return {
    eventId: randomUUID(),
    userId,
    type: 'purchase',
    occurredAt,
    receivedAt: occurredAt,
    day: utcDay(occurredAt),
    amount: 12.5,
    properties: { plan: 'pro' },
    score: 0.42,
    model: { name: 'baseline', version: '1' },
    reasons: [{ feature: 'amount', contribution: 0.3 }],
    scoredAt: occurredAt,
    ...extra,
  };
}

/** The order every adapter must return: occurredAt DESC, eventId DESC. */
function newestFirst(docs: readonly ScoredEvent[]): ScoredEvent[] {
  return [...docs].sort((a, b) =>
    a.occurredAt === b.occurredAt
      ? b.eventId.localeCompare(a.eventId)
      : b.occurredAt.localeCompare(a.occurredAt),
  );
}

/** User ids at the edges of the rule: characters Cosmos DB ids and URLs treat specially, Unicode, 255 characters. */
export const ODD_USER_IDS = [
  'a/b',
  'c#d',
  'e?f',
  'g\\h',
  'google-oauth2|103476123456789012345',
  'ann+test@example.com',
  'two words ',
  '😀 Ærøskøbing 中文',
  '%2F%',
  '~c:x',
  'x'.repeat(255),
  '😀'.repeat(255),
];

/**
 * The optional fields of the shared event shape, nested. A `__proto__` key is checked on SQLite and
 * through the HTTP routes only: the Cosmos DB test peer's query engine (@zeit/cosmosdb-query)
 * copies results by assignment and so drops it, which Cosmos DB itself does not.
 */
export const RICH_FIELDS: Partial<ScoredEvent> = {
  properties: {
    cart: { total: 30, items: [{ sku: 'a', tags: ['x', null, true, 1.5] }] },
    constructor: 'c',
    toString: { valueOf: 1 },
  },
  context: { page: { url: 'https://shop.test/?q=1#top' }, $lib: 'web', emptyObject: {}, list: [] },
  integrations: { All: false, Mixpanel: true },
  traits: { email: 'a@example.com', address: { city: 'Oslo' } },
  traitsOnce: { $initial_referrer: '$direct' },
  link: { previousId: 'anon:0190f3c2', via: 'identify' },
  group: { type: 'company', id: 'acme/eu' },
};

const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 12, minute)).toISOString();
const ids = (docs: readonly ScoredEvent[]) => docs.map((d) => d.eventId);

/** The behaviour every ScoreStore shares; each adapter's test file runs it against its own peer. */
export function storeContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`ScoreStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ScoreStore;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('counts new and already stored documents, and writing again stores nothing new', async () => {
      const docs = [scoredEvent('u1', at(1)), scoredEvent('u1', at(2)), scoredEvent('u2', at(3))];
      const first = await store.write(docs);
      expect(first).toMatchObject({ written: 3, alreadyStored: 0 });
      expect(first.requests).toBeGreaterThan(0);

      const extra = scoredEvent('u2', at(4));
      const second = await store.write([...docs, extra]);
      expect(second).toMatchObject({ written: 1, alreadyStored: 3 });

      const page = await store.userScores({ userId: 'u1', limit: 10 });
      expect(page.items).toHaveLength(2);
    });

    it('accepts the same document twice within one call', async () => {
      const doc = scoredEvent('u1', at(1));
      const result = await store.write([doc, doc]);
      expect(result.written).toBe(1);
      expect(result.alreadyStored).toBe(1);
      expect(ids((await store.userScores({ userId: 'u1', limit: 10 })).items)).toEqual([
        doc.eventId,
      ]);
    });

    it('keeps the first write of an eventId', async () => {
      const original = scoredEvent('u1', at(1), { score: 0.1 });
      await store.write([original]);
      const rescored = { ...original, score: 0.9, model: { name: 'baseline', version: '2' } };
      const result = await store.write([rescored]);
      expect(result).toMatchObject({ written: 0, alreadyStored: 1 });

      const [stored] = (await store.userScores({ userId: 'u1', limit: 10 })).items;
      expect(stored).toEqual(original);
    });

    it('returns documents as written, optional fields included', async () => {
      const full = scoredEvent('u1', at(2), {
        challenger: { name: 'challenger', version: '3', score: 0.7 },
      });
      const bare = scoredEvent('u1', at(1));
      delete bare.amount;
      delete bare.properties;
      delete bare.reasons;
      await store.write([full, bare]);
      const { items } = await store.userScores({ userId: 'u1', limit: 10 });
      expect(items).toEqual([full, bare]);
    });

    it('stores any userId the contract allows, and nested fields exactly as written', async () => {
      const people = ODD_USER_IDS.map((userId, i) =>
        scoredEvent(userId, `2026-03-0${2 + (i % 2)}T10:0${i % 10}:00.000Z`, RICH_FIELDS),
      );
      // a second event of the first user, the next day: a cohort of one returning once
      people.push(scoredEvent(ODD_USER_IDS[0]!, '2026-03-04T09:00:00.000Z'));
      await store.write(people);
      await store.write(people);
      for (const userId of ODD_USER_IDS) {
        const mine = people.filter((d) => d.userId === userId);
        const { items } = await store.userScores({ userId, limit: 10 });
        expect(items).toEqual(newestFirst(mine));
        expect(await store.userSummary(userId)).toMatchObject({
          userId,
          events: mine.length,
          latest: newestFirst(mine)[0],
        });
      }
      expect(await store.dailyActiveUsers('2026-03-02', '2026-03-04')).toEqual([
        { day: '2026-03-02', activeUsers: Math.ceil(ODD_USER_IDS.length / 2) },
        { day: '2026-03-03', activeUsers: Math.floor(ODD_USER_IDS.length / 2) },
        { day: '2026-03-04', activeUsers: 1 },
      ]);
      const cohorts = await store.retention({
        start: '2026-03-02',
        intervalDays: 1,
        cohorts: 2,
        windows: 3,
      });
      expect(cohorts.map((c) => c.size)).toEqual([
        Math.ceil(ODD_USER_IDS.length / 2),
        Math.floor(ODD_USER_IDS.length / 2),
      ]);
      expect(cohorts[0]?.retained[2]).toBe(1);
    });

    it('orders newest first, ties on occurredAt broken by eventId descending', async () => {
      const docs = [
        scoredEvent('u1', at(5)),
        scoredEvent('u1', at(7)),
        scoredEvent('u1', at(5)),
        scoredEvent('u1', at(5)),
        scoredEvent('u1', at(1)),
      ];
      await store.write(docs);
      const page = await store.userScores({ userId: 'u1', limit: 10 });
      expect(ids(page.items)).toEqual(ids(newestFirst(docs)));
      expect(page.next).toBeUndefined();
    });

    it('bounds occurredAt by from (inclusive) and to (exclusive)', async () => {
      const docs = [1, 2, 3, 4, 5].map((m) => scoredEvent('u1', at(m)));
      await store.write(docs);
      const page = await store.userScores({ userId: 'u1', limit: 10, from: at(2), to: at(4) });
      expect(page.items.map((d) => d.occurredAt)).toEqual([at(3), at(2)]);
    });

    it('pages through every document once with a keyset cursor', async () => {
      // Groups of three share a timestamp so that page boundaries fall inside ties.
      const docs = Array.from({ length: 55 }, (_, i) => scoredEvent('u1', at(Math.floor(i / 3))));
      await store.write(docs);
      await store.write([scoredEvent('someone-else', at(10))]);

      const pages: ScoredEvent[][] = [];
      let after: ScoreCursor | undefined;
      do {
        const page = await store.userScores({ userId: 'u1', limit: 20, ...(after && { after }) });
        pages.push(page.items);
        after = page.next;
        if (after)
          expect(after).toEqual({
            occurredAt: page.items.at(-1)?.occurredAt,
            eventId: page.items.at(-1)?.eventId,
          });
      } while (after && pages.length < 10);

      expect(pages.map((p) => p.length)).toEqual([20, 20, 15]);
      expect(ids(pages.flat())).toEqual(ids(newestFirst(docs)));
    });

    it('gives no next cursor when the last page is exactly full', async () => {
      await store.write([1, 2, 3, 4].map((m) => scoredEvent('u1', at(m))));
      const first = await store.userScores({ userId: 'u1', limit: 2 });
      expect(first.next).toBeDefined();
      const second = await store.userScores({ userId: 'u1', limit: 2, after: first.next! });
      expect(second.items).toHaveLength(2);
      expect(second.next).toBeUndefined();
    });

    it('combines a cursor with from and to', async () => {
      const docs = [1, 2, 3, 4, 5, 6].map((m) => scoredEvent('u1', at(m)));
      await store.write(docs);
      const first = await store.userScores({ userId: 'u1', limit: 2, from: at(2), to: at(6) });
      expect(first.items.map((d) => d.occurredAt)).toEqual([at(5), at(4)]);
      const second = await store.userScores({
        userId: 'u1',
        limit: 2,
        from: at(2),
        to: at(6),
        after: first.next!,
      });
      expect(second.items.map((d) => d.occurredAt)).toEqual([at(3), at(2)]);
      expect(second.next).toBeUndefined();
    });

    it('returns an empty page for an unknown user', async () => {
      await store.write([scoredEvent('u1', at(1))]);
      expect(await store.userScores({ userId: 'nobody', limit: 10 })).toEqual({ items: [] });
    });

    it('counts distinct users per day, zeros included, days ascending', async () => {
      await store.write([
        scoredEvent('u1', '2026-03-02T08:00:00.000Z'),
        scoredEvent('u1', '2026-03-02T09:00:00.000Z'),
        scoredEvent('u2', '2026-03-02T23:59:59.999Z'),
        scoredEvent('u3', '2026-03-04T00:00:00.000Z'),
        scoredEvent('u9', '2026-03-06T00:00:00.000Z'),
      ]);
      expect(await store.dailyActiveUsers('2026-03-01', '2026-03-05')).toEqual([
        { day: '2026-03-01', activeUsers: 0 },
        { day: '2026-03-02', activeUsers: 2 },
        { day: '2026-03-03', activeUsers: 0 },
        { day: '2026-03-04', activeUsers: 1 },
        { day: '2026-03-05', activeUsers: 0 },
      ]);
    });

    it('counts a user on each day they were active, and writing again changes no count', async () => {
      const docs = [
        scoredEvent('u1', '2026-03-02T10:00:00.000Z'),
        scoredEvent('u1', '2026-03-03T10:00:00.000Z'),
        scoredEvent('u2', '2026-03-03T11:00:00.000Z'),
      ];
      await store.write(docs);
      const expected = [
        { day: '2026-03-02', activeUsers: 1 },
        { day: '2026-03-03', activeUsers: 2 },
      ];
      expect(await store.dailyActiveUsers('2026-03-02', '2026-03-03')).toEqual(expected);

      await store.write(docs);
      await store.write([scoredEvent('u1', '2026-03-03T12:00:00.000Z')]);
      expect(await store.dailyActiveUsers('2026-03-02', '2026-03-03')).toEqual(expected);
    });

    it('answers a one-day range and an empty store', async () => {
      expect(await store.dailyActiveUsers('2026-03-02', '2026-03-02')).toEqual([
        { day: '2026-03-02', activeUsers: 0 },
      ]);
    });

    it('writes nothing for an empty batch', async () => {
      const result = await store.write([]);
      expect(result).toMatchObject({ written: 0, alreadyStored: 0 });
    });

    it('adds a re-score beside the first score, once per model version, and skips unknown ids', async () => {
      const doc = scoredEvent('rescored-user', at(1));
      const other = scoredEvent('rescored-user', at(2), { rescores: { 'old@1': 0.1 } });
      await store.write([doc, other]);
      const v2 = { name: 'next', version: '2', score: 0.9 };
      const first = await store.addScores([
        { eventId: doc.eventId, userId: doc.userId, ...v2 },
        { eventId: other.eventId, userId: other.userId, ...v2, score: 0.8 },
        { eventId: randomUUID(), userId: doc.userId, ...v2 },
      ]);
      expect(first).toEqual({ updated: 2, missing: 1 });
      // A second run, even with another score for the same version, changes nothing.
      await store.addScores([{ eventId: doc.eventId, userId: doc.userId, ...v2, score: 0.5 }]);
      await store.addScores([
        { eventId: doc.eventId, userId: doc.userId, name: 'next', version: '3', score: 0.7 },
      ]);
      const { items } = await store.userScores({ userId: 'rescored-user', limit: 10 });
      expect(items).toEqual([
        { ...other, rescores: { 'old@1': 0.1, 'next@2': 0.8 } },
        { ...doc, rescores: { 'next@2': 0.9, 'next@3': 0.7 } },
      ]);
    });

    it('passes its health check', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });
  });
}
