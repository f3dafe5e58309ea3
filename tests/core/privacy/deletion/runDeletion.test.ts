import { describe, expect, it } from 'vitest';

import { createSqliteAuditLog } from '../../../../src/adapters/sqlite/sqliteAuditLog.js';
import { createSqliteDeletionLedger } from '../../../../src/adapters/sqlite/sqliteDeletionLedger.js';
import { createSqliteStore } from '../../../../src/adapters/sqlite/sqliteStore.js';
import type { ArchivedEvent } from '../../../../src/core/archive/archivedEvent.js';
import { newDeletionRequest } from '../../../../src/core/privacy/deletion/deletionRequestBody.js';
import { fingerprint } from '../../../../src/core/privacy/deletion/fingerprint.js';
import {
  type DeletionDeps,
  runDeletion,
  runDueDeletions,
} from '../../../../src/core/privacy/deletion/runDeletion.js';
import type { ScoreStore } from '../../../../src/ports/index.js';
import { scoredEvent } from '../../../adapters/storeContract.js';

const NOW = Date.parse('2026-07-10T12:00:00Z');
const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 6, day, hour)).toISOString();
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An archive that records the hours rewritten and applies `drop` to the events it was given. */
function recordingArchive(events: ArchivedEvent[], failAt?: string) {
  const calls: string[] = [];
  let failed = false;
  return {
    calls,
    events,
    async rewriteHour(hour: string, drop: (e: ArchivedEvent) => boolean) {
      if (hour === failAt && !failed) {
        failed = true;
        throw new Error('blob unavailable');
      }
      calls.push(hour);
      const before = events.length;
      const kept = events.filter((e) => !drop(e));
      events.splice(0, events.length, ...kept);
      return { objects: before === kept.length ? 0 : 1, lines: before - kept.length };
    },
  };
}

async function setup(options: { failAt?: string; store?: (s: ScoreStore) => ScoreStore } = {}) {
  const store = createSqliteStore(':memory:');
  const docs = [
    scoredEvent('anon:a', at(1)),
    scoredEvent('ann', at(2), { link: { previousId: 'anon:a', via: 'identify' } }),
    scoredEvent('ann', at(3, 14)),
    scoredEvent('bob', at(2)),
    // Received after the request: kept.
    scoredEvent('ann', at(10, 13), { receivedAt: at(10, 13) }),
  ];
  await store.write(docs);
  const ledger = createSqliteDeletionLedger(':memory:');
  const archive = recordingArchive(
    docs.map(({ score: _s, ...e }) => e as ArchivedEvent),
    options.failAt,
  );
  const removedDeadLetters: string[][] = [];
  const deps: DeletionDeps = {
    ledger,
    store: options.store ? options.store(store) : store,
    archive,
    deadLetters: {
      removeUsers: async (ids) => {
        removedDeadLetters.push([...ids]);
        return 1;
      },
    },
    audit: createSqliteAuditLog(':memory:'),
    logger,
    now: () => NOW,
    newId: () => crypto.randomUUID(),
    startDelayMs: 30_000,
  };
  const request = newDeletionRequest({
    id: 'req-1',
    userIds: ['anon:a'],
    erasedIds: ['anon:a'],
    suppress: false,
    keyId: 'k1',
    now: NOW - 60_000,
  });
  await ledger.create(request);
  return { store, ledger, archive, deps, request, removedDeadLetters };
}

describe('runDeletion', () => {
  it('erases the person an anonymous id belongs to, in every place, and keeps only fingerprints', async () => {
    const { store, ledger, archive, deps, request, removedDeadLetters } = await setup();
    const done = await runDeletion(deps, request);
    expect(done.state).toBe('done');
    expect(done.removed).toMatchObject({
      documents: 3,
      identityLinks: 1,
      archiveLines: 3,
      deadLetters: 1,
    });
    // The person was found at run time: ann, through the link.
    expect(removedDeadLetters).toEqual([['ann', 'anon:a']]);
    expect(archive.calls).toEqual(['2026/07/01/09/', '2026/07/02/09/', '2026/07/03/14/']);
    expect(archive.events.map((e) => e.userId).sort()).toEqual(['ann', 'bob']);
    expect((await store.userScores({ userId: 'ann', limit: 10 })).items).toHaveLength(1);
    const saved = (await ledger.get('req-1'))!;
    expect(saved).toMatchObject({ state: 'done', userIds: [], erasedIds: [], step: 'finished' });
    expect(saved.fingerprints).toEqual([fingerprint('ann'), fingerprint('anon:a')].sort());
    expect(JSON.stringify(saved)).not.toContain('ann');
    expect(saved.startedAt).toBe(new Date(NOW).toISOString());
    expect(saved.finishedAt).toBe(new Date(NOW).toISOString());
  });

  it('resumes after a crash from the step and archive hour it stopped at, without redoing them', async () => {
    const { store, ledger, archive, deps, request } = await setup({ failAt: '2026/07/02/09/' });
    const failed = await runDeletion(deps, request);
    expect(failed.state).toBe('failed');
    expect(failed.reason).toBe('archive: blob unavailable');
    expect(archive.calls).toEqual(['2026/07/01/09/']);
    const [again] = await runDueDeletions(deps);
    expect(again!.state).toBe('done');
    expect(again!.runs).toBe(2);
    expect(archive.calls).toEqual(['2026/07/01/09/', '2026/07/02/09/', '2026/07/03/14/']);
    expect(again!.removed.documents).toBe(3);
    expect(await store.dailyActiveUsers('2026-07-01', '2026-07-03')).toEqual([
      { day: '2026-07-01', activeUsers: 0 },
      { day: '2026-07-02', activeUsers: 1 },
      { day: '2026-07-03', activeUsers: 0 },
    ]);
    expect(await ledger.unfinished()).toEqual([]);
  });

  it('survives a store that fails mid-way, and a second run erases the rest exactly', async () => {
    let calls = 0;
    const { store, deps, request } = await setup({
      store: (s) => ({
        ...s,
        identity: s.identity,
        erasure: {
          ...s.erasure,
          erase: async (ids, upTo) => {
            calls += 1;
            if (calls === 1) throw new Error('store timed out');
            return s.erasure.erase(ids, upTo);
          },
        },
      }),
    });
    expect((await runDeletion(deps, request)).reason).toBe('store: store timed out');
    const done = await runDeletion(deps, (await deps.ledger.get('req-1'))!);
    expect(done.state).toBe('done');
    expect(await store.eventsByType('2026-07-01', '2026-07-31')).toEqual([
      { type: 'purchase', events: 2 },
    ]);
  });

  it('waits for the ledger to reach every scorer before it starts', async () => {
    const { deps, ledger } = await setup();
    const early = { ...deps, now: () => NOW - 45_000 };
    expect(await runDueDeletions(early)).toEqual([]);
    expect((await ledger.get('req-1'))!.state).toBe('pending');
    expect(await runDueDeletions(deps)).toHaveLength(1);
  });
});

describe('runDeletion with archive objects offline', () => {
  it('rewrites the other hours, keeps the offline one for the next run, and counts what was done', async () => {
    const { deps, request, archive } = await setup();
    let offline = true;
    const rewrite = archive.rewriteHour.bind(archive);
    deps.archive = {
      rewriteHour: async (hour, drop) => {
        if (hour === '2026/07/02/09/' && offline)
          throw Object.assign(new Error('1 archive object(s) are in the Archive tier'), {
            done: { objects: 0, lines: 0 },
          });
        return rewrite(hour, drop);
      },
    };
    const first = await runDeletion(deps, request);
    expect(first).toMatchObject({
      state: 'failed',
      step: 'archive',
      archiveHours: ['2026/07/02/09/'],
    });
    expect(first.reason).toBe('archive: 1 archive object(s) are in the Archive tier');
    expect(archive.calls).toEqual(['2026/07/01/09/', '2026/07/03/14/']);
    offline = false;
    const second = await runDeletion(deps, first);
    expect(second.state).toBe('done');
    expect(archive.calls).toEqual(['2026/07/01/09/', '2026/07/03/14/', '2026/07/02/09/']);
    expect(second.removed.archiveLines).toBe(3);
  });
});
