import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScoredEvent } from '../../src/core/event.js';
import { fingerprint } from '../../src/core/privacy/deletion/fingerprint.js';
import { resolveErasedIds } from '../../src/core/privacy/deletion/resolveErasedIds.js';
import { trendPeriods } from '../../src/core/trends/trendPeriods.js';
import type { ScoreStore } from '../../src/ports/index.js';
import { arrivalOrder, IDENTITY_FIRST_DAY, identityDataSet, random } from './identityOracle.js';
import type { StoreUnderTest } from './storeContract.js';

const FROM = IDENTITY_FIRST_DAY;
const TO = '2026-05-20';
const RETENTION = { start: FROM, intervalDays: 1, cohorts: 16, windows: 5 };
const WEEKS = { start: '2026-04-27', intervalDays: 7, cohorts: 4, windows: 2 };
/** The cut-off: the request time. Events received later are kept. */
const CUTOFF = '2026-05-18T12:00:00.000Z';

/** Erases until the store says it is done, as the runner does. */
export async function eraseAll(store: ScoreStore, ids: readonly string[], upTo: string) {
  let documents = 0;
  let calls = 0;
  for (;;) {
    const step = await store.erasure.erase(ids, upTo);
    documents += step.documents;
    calls += 1;
    if (!step.more) return { documents, calls };
    if (calls > 10_000) throw new Error('erase never finished');
  }
}

/**
 * The identity data set (links, anonymous ids, profiles, refused merges), with late events (old
 * days, received days later) and, for two of the people deleted, events received after the cut-off.
 */
export function erasureDataSet(): { events: ScoredEvent[]; asked: string[] } {
  const events = identityDataSet(11);
  const rand = random(5);
  const late = (doc: ScoredEvent, receivedDays: number): ScoredEvent => ({
    ...doc,
    eventId: `${doc.eventId.slice(0, -4)}late`,
    receivedAt: new Date(Date.parse(doc.occurredAt) + receivedDays * 86_400_000).toISOString(),
  });
  // Late events: a phone that was offline sends days-old events.
  for (const doc of events.filter(() => rand() < 0.15).slice(0, 12))
    events.push(late(doc, 2 + Math.floor(rand() * 5)));
  // Events received after the cut-off (sent while the deletion ran): kept.
  const after = (userId: string, day: string, type: string): ScoredEvent => ({
    eventId: `after-${userId}-${day}-${type}`,
    userId,
    type,
    occurredAt: `${day}T08:00:00.000Z`,
    receivedAt: '2026-05-18T13:00:00.000Z',
    day,
    score: 0.42,
    model: { name: 'baseline', version: '1' },
    scoredAt: '2026-05-18T13:00:01.000Z',
  });
  events.push(after('Zoë Müller', '2026-05-18', 'click'));
  events.push(after('Zoë Müller', '2026-05-02', 'purchase'));
  const anonOfUser8 = events.find((e) => e.userId === 'user-8' && e.link)!.link!.previousId;
  const visitor = events.find(
    (e) => e.userId.startsWith('anon:') && !events.some((l) => l.link?.previousId === e.userId),
  )!.userId;
  events.push(after(anonOfUser8, '2026-05-18', '$pageview'));
  // Asked: two people by their own id, one by an anonymous id of theirs, one visitor never identified.
  return { events, asked: ['ann+test@example.com', 'Zoë Müller', anonOfUser8, visitor] };
}

async function figures(store: ScoreStore, ids: readonly string[], types: readonly string[]) {
  const trends: unknown[] = [];
  for (const interval of ['day', 'week', 'month'] as const)
    trends.push(
      (
        await store.trends({
          interval,
          periods: trendPeriods(interval, FROM, TO),
          types,
        })
      ).sort((a, b) => `${a.type}${a.period}`.localeCompare(`${b.type}${b.period}`)),
    );
  const histogram = await store.scoreHistogram({ name: 'baseline', version: '1' }, FROM, TO);
  return {
    dau: await store.dailyActiveUsers(FROM, TO),
    types: (await store.eventsByType(FROM, TO))
      .filter((t) => t.events > 0)
      .sort((a, b) => a.type.localeCompare(b.type)),
    histogram: histogram && { count: histogram.count, buckets: histogram.buckets },
    histogramSum: histogram?.sum ?? 0,
    days: await store.retention(RETENTION),
    weeks: await store.retention(WEEKS),
    trends,
    summaries: await Promise.all(ids.map((id) => store.userSummary(id))),
    lists: await Promise.all(
      ids.map(async (id) => (await store.userScores({ userId: id, limit: 500 })).items),
    ),
    persons: await Promise.all(ids.map((id) => store.identity.person(id))),
    profiles: await Promise.all(ids.map((id) => store.identity.profile(id))),
  };
}

/**
 * Deleting persons from a ScoreStore, against a second store of the same kind written with the same
 * batches less the deleted persons' events received up to the cut-off: every figure equals the
 * figure of that store, so the store is as if those events had never been written.
 */
export function personErasureContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
): void {
  describe(`ScoreStore person erasure contract: ${name}`, () => {
    const { events, asked } = erasureDataSet();
    const batches = arrivalOrder(events, 3);
    const types = [...new Set(events.map((e) => e.type))].sort();
    const allIds = [...new Set(events.flatMap((e) => [e.userId, e.link?.previousId ?? e.userId]))];
    let subject: StoreUnderTest;
    let reference: StoreUnderTest;
    let erased: string[];
    let kept: string[];
    let first: { documents: number; calls: number };

    beforeAll(async () => {
      subject = await makeStore();
      for (const batch of batches) await subject.store.write(batch);
      erased = await resolveErasedIds(subject.store.identity, asked);
      const erasedSet = new Set(erased);
      kept = allIds.filter((id) => !erasedSet.has(id));
      reference = await makeStore();
      for (const batch of batches) {
        const left = batch.filter((e) => !(erasedSet.has(e.userId) && e.receivedAt <= CUTOFF));
        if (left.length > 0) await reference.store.write(left);
      }
      first = await eraseAll(subject.store, erased, CUTOFF);
    }, 120_000);
    afterAll(async () => {
      await subject?.cleanup();
      await reference?.cleanup();
    });

    it('erases the persons asked for with every id linked to them', () => {
      // ann and Zoë have anonymous ids; user-8 was asked by an anonymous id of theirs.
      expect(erased).toContain('user-8');
      expect(erased.length).toBeGreaterThan(asked.length + 2);
      expect(first.documents).toBe(
        new Set(
          events
            .filter((e) => erased.includes(e.userId) && e.receivedAt <= CUTOFF)
            .map((e) => e.eventId),
        ).size,
      );
    });

    it('leaves every figure equal to the store that never had their events', async () => {
      const want = await figures(reference.store, kept, types);
      const got = await figures(subject.store, kept, types);
      expect(got.histogramSum).toBeCloseTo(want.histogramSum, 9);
      expect({ ...got, histogramSum: 0 }).toEqual({ ...want, histogramSum: 0 });
      // The deletion changed the figures: the data set's deleted people were active.
      const before = await makeStore();
      try {
        for (const batch of batches) await before.store.write(batch);
        expect(await before.store.dailyActiveUsers(FROM, TO)).not.toEqual(want.dau);
      } finally {
        await before.cleanup();
      }
    });

    it('keeps and counts the events received after the cut-off, and nothing else of them', async () => {
      const zoe = await subject.store.userScores({ userId: 'Zoë Müller', limit: 50 });
      expect(zoe.items.map((e) => e.eventId).sort()).toEqual([
        'after-Zoë Müller-2026-05-02-purchase',
        'after-Zoë Müller-2026-05-18-click',
      ]);
      expect((await subject.store.userSummary('Zoë Müller'))?.events).toBe(2);
      expect(await subject.store.userSummary('ann+test@example.com')).toBeUndefined();
      expect(await subject.store.identity.profile('ann+test@example.com')).toBeUndefined();
      expect(await subject.store.identity.person('ann+test@example.com')).toEqual({
        personId: 'ann+test@example.com',
        linkedIds: [],
      });
    });

    it('finds the erased ids by fingerprint only while the store holds something of them', async () => {
      const prints = new Set(erased.map(fingerprint));
      const held = await subject.store.erasure.idsMatching(prints);
      // Only the ids with events received after the cut-off are still held.
      const afterIds = [
        ...new Set(events.filter((e) => e.receivedAt > CUTOFF).map((e) => e.userId)),
      ].sort();
      expect(held).toEqual(afterIds);
      expect(await reference.store.erasure.idsMatching(new Set([fingerprint('bob')]))).toEqual([
        'bob',
      ]);
    });

    it('changes nothing when run again, and locates nothing left', async () => {
      const before = await figures(subject.store, kept, types);
      const again = await eraseAll(subject.store, erased, CUTOFF);
      expect(again.documents).toBe(0);
      expect(await figures(subject.store, kept, types)).toEqual(before);
      expect(await subject.store.erasure.locate(erased, CUTOFF)).toEqual({
        archiveHours: [],
        days: [],
      });
    });

    it('locates the documents by their receipt hour and day before erasing', async () => {
      const id = kept.find((k) => k === 'bob')!;
      const docs = events.filter((e) => e.userId === id);
      const where = await reference.store.erasure.locate([id], CUTOFF);
      expect(where.days).toEqual([...new Set(docs.map((e) => e.day))].sort());
      expect(where.archiveHours).toEqual(
        [
          ...new Set(
            docs.map((e) => {
              const d = new Date(e.receivedAt);
              const p = (n: number) => String(n).padStart(2, '0');
              return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}/`;
            }),
          ),
        ].sort(),
      );
    });
  });
}
