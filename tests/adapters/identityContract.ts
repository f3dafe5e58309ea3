import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScoredEvent } from '../../src/core/event.js';
import type { LogFields, Logger, ScoreStore } from '../../src/ports/index.js';
import {
  arrivalOrder,
  firstArrivals,
  IDENTITY_FIRST_DAY,
  identityDataSet,
  identityOracle,
} from './identityOracle.js';
import { scoredEvent, type StoreUnderTest } from './storeContract.js';

export interface Warning {
  message: string;
  fields: LogFields | undefined;
}

export const recordingLogger = (warnings: Warning[]): Logger => ({
  info: () => undefined,
  warn: (message, fields) => warnings.push({ message, fields }),
  error: () => undefined,
});

const FROM = IDENTITY_FIRST_DAY;
const TO = '2026-05-16';
const RETENTION = { start: FROM, intervalDays: 1, cohorts: 14, windows: 5 };
const WEEKS = { start: '2026-04-27', intervalDays: 7, cohorts: 3, windows: 2 };

async function figures(store: ScoreStore, ids: readonly string[]) {
  return {
    dau: await store.dailyActiveUsers(FROM, TO),
    days: await store.retention(RETENTION),
    weeks: await store.retention(WEEKS),
    summaries: await Promise.all(ids.map((id) => store.userSummary(id))),
  };
}

/**
 * Links and profiles on a ScoreStore, against figures computed apart (identityOracle.ts): the same
 * events in several arrival orders, with redeliveries, give the oracle's DAU, retention, summaries,
 * lists and profiles.
 */
export function identityContract(
  name: string,
  makeStore: (logger: Logger) => Promise<StoreUnderTest>,
  orders: readonly number[],
): void {
  describe(`ScoreStore identity contract: ${name}`, () => {
    const events = identityDataSet();

    describe.each(orders)('arrival order %i', (seed) => {
      let subject: StoreUnderTest;
      let store: ScoreStore;
      const warnings: Warning[] = [];
      const batches = arrivalOrder(events, seed);
      const oracle = identityOracle(firstArrivals(batches));
      const ids = [...new Set(events.flatMap((e) => [e.userId, e.link?.previousId ?? e.userId]))];

      beforeAll(async () => {
        subject = await makeStore(recordingLogger(warnings));
        store = subject.store;
        for (const batch of batches) await store.write(batch);
      });
      afterAll(async () => {
        await subject.cleanup();
      });

      it('counts an anonymous id and its user as one person in DAU and retention', async () => {
        expect(await store.dailyActiveUsers(FROM, TO)).toEqual(oracle.dailyActiveUsers(FROM, TO));
        expect(await store.retention(RETENTION)).toEqual(oracle.retention(RETENTION));
        expect(await store.retention(WEEKS)).toEqual(oracle.retention(WEEKS));
        // The links did merge people: fewer people than ids.
        expect(oracle.persons.length).toBeLessThan(new Set(events.map((e) => e.userId)).size - 5);
      });

      it('counts an anonymous id and its user as one person in the trends of every interval', async () => {
        const types = [...new Set(events.map((e) => e.type))];
        for (const interval of ['day', 'week', 'month'] as const) {
          const want = oracle.trendUsers(interval);
          const periods = [...new Set([...want.keys()].map((k) => k.split(' ')[0]!))].sort();
          const got = await store.trends({ interval, periods, types, measure: 'users' });
          const counted = new Map(
            got.filter((c) => c.users > 0).map((c) => [`${c.period} ${c.type}`, c.users]),
          );
          expect(counted, interval).toEqual(want);
        }
      });

      it('summarises the person from any of their ids, listing the linked ids', async () => {
        for (const id of ids) {
          const summary = await store.userSummary(id);
          const want = oracle.summary(id);
          expect(summary && { ...summary, profile: undefined }).toEqual(
            want && { ...want, profile: undefined },
          );
        }
      });

      it("lists the person's events, every linked id's included, a page at a time", async () => {
        for (const person of oracle.persons.filter((p) => oracle.linkedIds(p).length > 0)) {
          const want = oracle.events(person).map((e) => e.eventId);
          for (const asked of [person, oracle.linkedIds(person)[0]!]) {
            const got: string[] = [];
            let after: { occurredAt: string; eventId: string } | undefined;
            for (let page = 0; page < 20; page += 1) {
              const { items, next } = await store.userScores({ userId: asked, limit: 3, after });
              got.push(...items.map((e) => e.eventId));
              if (!next) break;
              after = next;
            }
            expect(got).toEqual(want);
          }
        }
      });

      it('keeps profiles: latest traits per key, earliest set-once, groups by type', async () => {
        for (const id of ids) {
          const want = oracle.profile(id);
          const got = await store.identity.profile(id);
          const empty = Object.keys(want.traits).length + Object.keys(want.groups).length === 0;
          if (empty) expect(got).toBeUndefined();
          else expect({ traits: got?.traits, groups: got?.groups }).toEqual(want);
        }
        expect((await store.identity.groupProfile('company', 'acme'))?.traits).toEqual({
          seats: 12,
        });
        // Traits stay on the stored event too.
        const login = events.find((e) => e.traits && e.link)!;
        const { items } = await store.userScores({ userId: login.userId, limit: 100 });
        expect(items.find((e) => e.eventId === login.eventId)?.traits).toEqual(login.traits);
      });

      it('refuses the links that would merge two identified users, and says so', async () => {
        expect(oracle.refused.length).toBeGreaterThan(0);
        const refused = warnings.filter((w) => w.message.startsWith('identity link refused'));
        expect(new Set(refused.map((w) => w.fields?.eventId))).toEqual(new Set(oracle.refused));
      });

      it('changes no figure when everything is delivered again', async () => {
        const before = await figures(store, ids.slice(0, 8));
        for (const batch of batches.slice(0, 6)) await store.write(batch);
        await store.write(events.filter((e) => e.link));
        expect(await figures(store, ids.slice(0, 8))).toEqual(before);
      });
    });

    describe('the merge rule', () => {
      let subject: StoreUnderTest;
      let store: ScoreStore;
      const warnings: Warning[] = [];
      const t = (day: number, hour: number) => new Date(Date.UTC(2026, 5, day, hour)).toISOString();
      beforeAll(async () => {
        subject = await makeStore(recordingLogger(warnings));
        store = subject.store;
      });
      afterAll(async () => {
        await subject.cleanup();
      });

      const link = (userId: string, previousId: string, at: string): ScoredEvent =>
        scoredEvent(userId, at, { link: { previousId, via: 'identify' } });

      it('moves the anonymous figures onto the user when the link arrives last', async () => {
        await store.write([scoredEvent('anon:a1', t(1, 9)), scoredEvent('anon:a1', t(2, 9))]);
        await store.write([scoredEvent('ann', t(2, 10))]);
        expect(await store.dailyActiveUsers('2026-06-01', '2026-06-02')).toEqual([
          { day: '2026-06-01', activeUsers: 1 },
          { day: '2026-06-02', activeUsers: 2 },
        ]);
        await store.write([link('ann', 'anon:a1', t(2, 11))]);
        expect(await store.dailyActiveUsers('2026-06-01', '2026-06-02')).toEqual([
          { day: '2026-06-01', activeUsers: 1 },
          { day: '2026-06-02', activeUsers: 1 },
        ]);
        expect(await store.userSummary('anon:a1')).toMatchObject({
          userId: 'ann',
          linkedIds: ['anon:a1'],
          firstSeen: t(1, 9),
          events: 4,
          activeDays: 2,
        });
        expect(await store.identity.person('anon:a1')).toEqual({
          personId: 'ann',
          linkedIds: ['anon:a1'],
        });
        const cohorts = await store.retention({
          start: '2026-06-01',
          intervalDays: 1,
          cohorts: 2,
          windows: 1,
        });
        expect(cohorts).toEqual([
          { cohort: '2026-06-01', size: 1, retained: [1, 1] },
          { cohort: '2026-06-02', size: 0, retained: [0, 0] },
        ]);
      });

      it('refuses to merge two identified users, stores the event and logs ids only', async () => {
        await store.write([
          scoredEvent('anon:b1', t(3, 9)),
          link('bob', 'anon:b1', t(3, 10)),
          scoredEvent('anon:b1', t(3, 11)),
        ]);
        const attempt = link('bob', 'ann', t(4, 9));
        const stolen = link('bob', 'anon:a1', t(4, 10));
        await store.write([attempt, stolen]);
        expect(warnings.map((w) => w.fields)).toEqual([
          expect.objectContaining({
            eventId: attempt.eventId,
            userId: 'bob',
            previousId: 'ann',
            reason: 'previous_id_identified',
          }),
          expect.objectContaining({
            eventId: stolen.eventId,
            previousId: 'anon:a1',
            personId: 'bob',
            reason: 'previous_id_linked_elsewhere',
          }),
        ]);
        expect(JSON.stringify(warnings)).not.toContain('traits');
        expect(await store.identity.person('ann')).toEqual({
          personId: 'ann',
          linkedIds: ['anon:a1'],
        });
        expect(await store.userSummary('bob')).toMatchObject({
          userId: 'bob',
          linkedIds: ['anon:b1'],
          events: 5,
        });
        // A user who is already someone's alias can be the target: the link joins its person.
        await store.write([scoredEvent('anon:b2', t(5, 9)), link('anon:b1', 'anon:b2', t(5, 10))]);
        expect(await store.identity.person('anon:b2')).toEqual({
          personId: 'bob',
          linkedIds: ['anon:b1', 'anon:b2'],
        });
        // An identified user cannot become someone's anonymous id, even once it has one.
        await store.write([link('carol', 'bob', t(6, 9))]);
        expect(warnings.at(-1)?.fields).toMatchObject({ reason: 'previous_id_identified' });
      });

      it('converges when the events and their link are written at the same time', async () => {
        for (let round = 0; round < 3; round += 1) {
          const anon = `anon:c${round}`;
          const user = `cat-${round}`;
          const before = [scoredEvent(anon, t(8, 9)), scoredEvent(anon, t(9, 9))];
          const after = [scoredEvent(anon, t(9, 12)), scoredEvent(anon, t(10, 9))];
          await Promise.all([
            store.write(before),
            store.write([link(user, anon, t(9, 10))]),
            store.write(after),
          ]);
          expect(await store.userSummary(anon)).toMatchObject({
            userId: user,
            linkedIds: [anon],
            firstSeen: t(8, 9),
            lastSeen: t(10, 9),
            events: 5,
            activeDays: 3,
          });
        }
        expect(await store.dailyActiveUsers('2026-06-08', '2026-06-10')).toEqual([
          { day: '2026-06-08', activeUsers: 3 },
          { day: '2026-06-09', activeUsers: 3 },
          { day: '2026-06-10', activeUsers: 3 },
        ]);
        const cohorts = await store.retention({
          start: '2026-06-08',
          intervalDays: 1,
          cohorts: 2,
          windows: 2,
        });
        expect(cohorts).toEqual([
          { cohort: '2026-06-08', size: 3, retained: [3, 3, 3] },
          { cohort: '2026-06-09', size: 0, retained: [0, 0, 0] },
        ]);
      });

      it('lists linked ids in one order on every store, characters beyond the BMP included', async () => {
        const ids = ['anon:\uFF21', 'anon:\u{1F389}', 'anon:b'];
        await store.write(ids.map((id, i) => link('eve', id, t(11, i))));
        expect((await store.identity.person('eve')).linkedIds).toEqual([...ids].sort());
        expect([...ids].sort()[1]).toBe('anon:\u{1F389}');
      });

      it('keeps a trait named __proto__ as data and joins profiles on a link', async () => {
        await store.write([
          scoredEvent('anon:p1', t(7, 9), {
            traits: JSON.parse('{"__proto__": {"polluted": true}, "plan": "free"}') as never,
            traitsOnce: { referrer: 'ad' },
          }),
          scoredEvent('dora', t(7, 8), { traits: { plan: 'pro' }, traitsOnce: { referrer: 'x' } }),
        ]);
        await store.write([link('dora', 'anon:p1', t(7, 10))]);
        const profile = await store.identity.profile('anon:p1');
        expect(profile?.traits.plan).toBe('free');
        expect(profile?.traits.referrer).toBe('x');
        expect(Object.getOwnPropertyDescriptor(profile?.traits, '__proto__')?.value).toEqual({
          polluted: true,
        });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect((await store.userSummary('dora'))?.profile?.traits.plan).toBe('free');
      });
    });
  });
}
