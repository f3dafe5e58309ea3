import { describe, expect, it } from 'vitest';

import type { RebuildOutcome, RebuildProgress } from '../../src/core/time/rebuildProgress.js';
import { StoreZoneError } from '../../src/core/time/storeZoneError.js';
import { trendPeriods } from '../../src/core/trends/trendPeriods.js';
import type { ScoreStore } from '../../src/ports/index.js';
import { toDoc, zoneDataSet } from './zoneOracleContract.js';

export interface RebuildSubject {
  /** A new, empty store in `zone`; open(zone) again opens the same one. */
  open(zone: string): Promise<ScoreStore>;
  rebuild(zone: string, onProgress?: (p: RebuildProgress) => void): Promise<RebuildOutcome>;
  cleanup(): Promise<void>;
}

/** Every figure a reader sees, for comparing two stores. */
async function figures(store: ScoreStore) {
  const sortTypes = (rows: { type: string; events: number }[]) =>
    rows.filter((r) => r.events > 0).sort((a, b) => a.type.localeCompare(b.type));
  const sortTrends = (rows: { type: string; period: string }[]) =>
    rows
      .filter((r) => JSON.stringify(r).match(/"(events|users)":[1-9]/))
      .sort((a, b) => `${a.type}${a.period}`.localeCompare(`${b.type}${b.period}`));
  const types = ['view', 'click', 'purchase'];
  const histogram = await store.scoreHistogram(
    { name: 'baseline', version: '1' },
    '2026-02-26',
    '2026-04-15',
  );
  return {
    dau: await store.dailyActiveUsers('2026-03-25', '2026-04-02'),
    dauAutumn: await store.dailyActiveUsers('2026-10-22', '2026-11-03'),
    types: sortTypes(await store.eventsByType('2026-03-28', '2026-03-30')),
    histogram: { count: histogram?.count, buckets: histogram?.buckets },
    sum: histogram?.sum,
    retention: await store.retention({
      start: '2026-02-23',
      intervalDays: 7,
      cohorts: 6,
      windows: 4,
    }),
    retentionDays: await store.retention({
      start: '2026-03-26',
      intervalDays: 1,
      cohorts: 8,
      windows: 3,
    }),
    summaries: await Promise.all(
      ['user-1', 'user-5', 'user-77'].map(async (u) => {
        const s = await store.userSummary(u);
        return s && { ...s, latest: s.latest.day };
      }),
    ),
    trends: await Promise.all(
      (['day', 'week', 'month'] as const).map(async (interval) =>
        sortTrends(
          await store.trends({
            interval,
            periods: trendPeriods(interval, '2026-03-23', '2026-04-05'),
            types,
          }),
        ),
      ),
    ),
  };
}

/** After a rebuild from UTC into a zone, every figure equals a fresh ingest in that zone. */
export function rebuildDaysContract(name: string, makeSubject: () => Promise<RebuildSubject>) {
  describe(`rebuild of the days in another zone: ${name}`, () => {
    it('equals a fresh ingest in the new zone, refuses the old zone after and the new one during', async () => {
      const batches = zoneDataSet(5).slice(0, 3);
      const before = await makeSubject();
      const fresh = await makeSubject();
      try {
        const utc = await before.open('UTC');
        for (const batch of batches) await utc.write(batch.map((e) => toDoc(e, 'UTC')));
        const inUtc = await figures(utc);
        await utc.close();
        const berlin = await fresh.open('Europe/Berlin');
        for (const batch of batches)
          await berlin.write(batch.map((e) => toDoc(e, 'Europe/Berlin')));
        const want = await figures(berlin);
        await berlin.close();
        // The data set has events near midnight and across DST: the zones disagree on them.
        expect({ ...inUtc, sum: 0 }).not.toEqual({ ...want, sum: 0 });
        expect(inUtc.dau).not.toEqual(want.dau);

        await expect(before.open('Europe/Berlin')).rejects.toThrow(StoreZoneError);
        await expect(before.open('Europe/Berlin')).rejects.toThrow(
          /npm run rebuild-days -- --timezone Europe\/Berlin/,
        );

        // Stopped after the first page, then resumed.
        const seen: RebuildProgress[] = [];
        await expect(
          before.rebuild('Europe/Berlin', (p) => {
            seen.push(p);
            if (p.phase === 'fill') throw new Error('stopped');
          }),
        ).rejects.toThrow('stopped');
        await expect(before.open('UTC')).rejects.toThrow(/being rebuilt into Europe\/Berlin/);
        await expect(before.open('Europe/Berlin')).rejects.toThrow(StoreZoneError);
        const outcome = await before.rebuild('Europe/Berlin', (p) => seen.push(p));
        expect(outcome).toMatchObject({ from: 'UTC', zone: 'Europe/Berlin', resumed: true });
        const total = new Set(batches.flat().map((e) => e.eventId)).size;
        expect(outcome.documents).toBe(total);
        expect(seen.at(-1)).toMatchObject({ phase: 'done', done: total, total });

        await expect(before.open('UTC')).rejects.toThrow(/holds days in Europe\/Berlin/);
        const rebuilt = await before.open('Europe/Berlin');
        const got = await figures(rebuilt);
        expect(got.sum).toBeCloseTo(want.sum!, 9);
        expect({ ...got, sum: 0 }).toEqual({ ...want, sum: 0 });
        // Written after the rebuild, in the new zone, redelivered: counted once.
        await rebuilt.write(batches[0]!.map((e) => toDoc(e, 'Europe/Berlin')));
        expect(await figures(rebuilt)).toEqual(got);
        await rebuilt.close();
      } finally {
        await before.cleanup();
        await fresh.cleanup();
      }
    }, 600_000);
  });
}
