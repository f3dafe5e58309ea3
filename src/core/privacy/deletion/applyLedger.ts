import type { DeadLetterSink, DeletionLedger, ScoreStore } from '../../../ports/index.js';
import { fingerprint } from './fingerprint.js';

export interface LedgerApplied {
  /** Ids found in the store that the ledger erases. */
  ids: number;
  documents: number;
  deadLetters: number;
}

/**
 * After a restore: the ledger outlives every backup, so whatever a backup brought back of a deleted
 * person is erased again, each by the cut-off of the request that deleted them (the archive is not
 * part of a backup), and their dead letters. Cost: one pass over the store's user ids (PersonErasure.idsMatching), then an
 * erase per id found.
 */
export async function applyLedger(
  store: Pick<ScoreStore, 'erasure'>,
  ledger: Pick<DeletionLedger, 'entries'>,
  deadLetters?: Pick<DeadLetterSink, 'removeUsers' | 'scrub'>,
): Promise<LedgerApplied> {
  const entries = await ledger.entries();
  const all = new Set(entries.flatMap((e) => e.fingerprints));
  if (all.size === 0) return { ids: 0, documents: 0, deadLetters: 0 };
  const found = await store.erasure.idsMatching(all);
  const byPrint = new Map(found.map((id) => [fingerprint(id), id]));
  let documents = 0;
  for (const entry of entries) {
    const ids = entry.fingerprints.flatMap((p) => byPrint.get(p) ?? []);
    if (ids.length === 0) continue;
    for (;;) {
      const step = await store.erasure.erase(ids, entry.receivedUpTo);
      documents += step.documents;
      if (!step.more) break;
    }
  }
  // The backup's dead letters and set-aside messages of those ids go too, whatever their time.
  const letters =
    found.length > 0 && deadLetters?.removeUsers ? await deadLetters.removeUsers(found) : 0;
  await store.erasure.scrub?.();
  deadLetters?.scrub?.();
  return { ids: found.length, documents, deadLetters: letters };
}
