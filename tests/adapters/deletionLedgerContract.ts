import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { noneRemoved } from '../../src/core/privacy/deletion/deletionRemoved.js';
import { fingerprint } from '../../src/core/privacy/deletion/fingerprint.js';
import type { DeletionLedger, DeletionRequest } from '../../src/ports/index.js';

export interface DeletionLedgerUnderTest {
  ledger: DeletionLedger;
  /** Opens the same ledger again (a restart): what it kept is read back. */
  reopen(): Promise<DeletionLedger>;
  /** Removes what the ledger left; runs after a test that may have closed `ledger` already. */
  cleanup(): Promise<void>;
}

/** A pending request as the deletion route creates one. */
export const deletionRequest = (
  id: string,
  extra: Partial<DeletionRequest> = {},
): DeletionRequest => ({
  id,
  state: 'pending',
  requested: 2,
  userIds: ['user-a', 'user-b'],
  erasedIds: [],
  fingerprints: [],
  suppress: false,
  receivedUpTo: '2026-12-04T10:00:00.000Z',
  requestedAt: '2026-12-04T10:00:00.000Z',
  keyId: 'a1b2c3d4e5f60718',
  step: 'resolve',
  archiveHours: [],
  eventDays: [],
  removed: noneRemoved(),
  runs: 0,
  ...extra,
});

const sortEntries = (entries: { fingerprints: readonly string[]; receivedUpTo: string }[]) =>
  entries
    .map((e) => ({ fingerprints: [...e.fingerprints].sort(), receivedUpTo: e.receivedUpTo }))
    .sort((a, b) =>
      JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
    );

/** The behaviour every DeletionLedger shares; each adapter's test file runs it against its own peer. */
export function deletionLedgerContract(
  name: string,
  make: () => Promise<DeletionLedgerUnderTest>,
): void {
  describe(`DeletionLedger contract: ${name}`, () => {
    let subject: DeletionLedgerUnderTest;
    let ledger: DeletionLedger;
    beforeEach(async () => {
      subject = await make();
      ledger = subject.ledger;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('is empty at first', async () => {
      expect(await ledger.unfinished()).toEqual([]);
      expect(await ledger.entries()).toEqual([]);
      expect(await ledger.get('nope')).toBeUndefined();
    });

    it('gives back a created request as it was stored, every field', async () => {
      const request = deletionRequest('del-1', {
        userIds: ['a/b#c?d\\e', 'ünïcødé 用户'],
        reason: 'was retried',
        startedAt: '2026-12-04T10:00:01.000Z',
        archiveHours: ['2026/12/04/09/'],
        eventDays: ['2026-12-04'],
        removed: { ...noneRemoved(), documents: 3, storeRequests: 12 },
      });
      await ledger.create(request);
      expect(await ledger.get('del-1')).toEqual(request);
    });

    it('leaves a request stored already as it is when created again', async () => {
      await ledger.create(deletionRequest('del-1'));
      await ledger.save(deletionRequest('del-1', { state: 'running', step: 'store', runs: 1 }));
      await ledger.create(deletionRequest('del-1'));
      expect(await ledger.get('del-1')).toMatchObject({ state: 'running', step: 'store', runs: 1 });
    });

    it('saves progress over the stored request', async () => {
      await ledger.create(deletionRequest('del-1'));
      const saved = deletionRequest('del-1', {
        state: 'running',
        step: 'archive',
        erasedIds: ['user-a', 'user-b', 'anon-1'],
        fingerprints: ['user-a', 'user-b', 'anon-1'].map(fingerprint),
        archiveHours: ['2026/12/04/09/', '2026/12/04/10/'],
        removed: { ...noneRemoved(), documents: 7, profiles: 1, identityLinks: 1 },
        runs: 1,
        startedAt: '2026-12-04T10:00:02.000Z',
      });
      await ledger.save(saved);
      expect(await ledger.get('del-1')).toEqual(saved);
    });

    it('lists the unfinished requests oldest first: pending, running and failed, not done', async () => {
      await ledger.create(deletionRequest('del-c', { requestedAt: '2026-12-04T12:00:00.000Z' }));
      await ledger.create(deletionRequest('del-a', { requestedAt: '2026-12-04T10:00:00.000Z' }));
      await ledger.create(deletionRequest('del-b', { requestedAt: '2026-12-04T11:00:00.000Z' }));
      await ledger.create(deletionRequest('del-d', { requestedAt: '2026-12-04T13:00:00.000Z' }));
      await ledger.save(
        deletionRequest('del-b', {
          requestedAt: '2026-12-04T11:00:00.000Z',
          state: 'failed',
          reason: 'store unreachable',
        }),
      );
      await ledger.save(
        deletionRequest('del-d', {
          requestedAt: '2026-12-04T13:00:00.000Z',
          state: 'done',
          step: 'finished',
          userIds: [],
          fingerprints: ['user-a'].map(fingerprint),
        }),
      );
      await ledger.save(
        deletionRequest('del-c', { requestedAt: '2026-12-04T12:00:00.000Z', state: 'running' }),
      );
      const unfinished = await ledger.unfinished();
      expect(unfinished.map((r) => [r.id, r.state])).toEqual([
        ['del-a', 'pending'],
        ['del-b', 'failed'],
        ['del-c', 'running'],
      ]);
      expect(unfinished[1]).toEqual(
        deletionRequest('del-b', {
          requestedAt: '2026-12-04T11:00:00.000Z',
          state: 'failed',
          reason: 'store unreachable',
        }),
      );
    });

    it('gives every request as a ledger entry, done or not; one not resolved yet by its asked ids', async () => {
      await ledger.create(
        deletionRequest('del-pending', {
          userIds: ['asked-1'],
          receivedUpTo: '2026-12-04T09:00:00.000Z',
        }),
      );
      await ledger.create(
        deletionRequest('del-done', { receivedUpTo: '2026-12-04T08:00:00.000Z' }),
      );
      await ledger.save(
        deletionRequest('del-done', {
          receivedUpTo: '2026-12-04T08:00:00.000Z',
          state: 'done',
          step: 'finished',
          userIds: [],
          erasedIds: [],
          fingerprints: ['user-a', 'anon-1'].map(fingerprint),
        }),
      );
      expect(sortEntries(await ledger.entries())).toEqual(
        sortEntries([
          { fingerprints: [fingerprint('asked-1')], receivedUpTo: '2026-12-04T09:00:00.000Z' },
          {
            fingerprints: ['user-a', 'anon-1'].map(fingerprint),
            receivedUpTo: '2026-12-04T08:00:00.000Z',
          },
        ]),
      );
      // Fingerprints, never ids: the entries of a done request hold no id in the clear.
      expect(JSON.stringify(await ledger.entries())).not.toContain('user-a');
    });

    it('keeps what it holds across a reopen', async () => {
      const request = deletionRequest('del-1', { state: 'running', step: 'store' });
      await ledger.create(request);
      await ledger.close();
      const reopened = await subject.reopen();
      expect(await reopened.get('del-1')).toEqual(request);
      expect((await reopened.unfinished()).map((r) => r.id)).toEqual(['del-1']);
      await reopened.close();
    });
  });
}
