import type { DeletionLedger, ErasedList, Logger } from '../../ports/index.js';
import { cachedSnapshot } from './cachedSnapshot.js';

/**
 * The deletion ledger as the scorer applies it: fingerprint → the latest cut-off of any request
 * that erased it, read whole at most once per `cacheSeconds` (cachedSnapshot.ts). A deletion starts
 * only once every instance has had time to load it (README, "Privacy").
 */
export function createErasedList(
  ledger: Pick<DeletionLedger, 'entries'>,
  options: { cacheSeconds: number; now: () => number; logger: Logger },
): ErasedList {
  return cachedSnapshot(
    async (): Promise<ReadonlyMap<string, string>> => {
      const erased = new Map<string, string>();
      for (const entry of await ledger.entries())
        for (const print of entry.fingerprints) {
          const held = erased.get(print);
          if (held === undefined || held < entry.receivedUpTo)
            erased.set(print, entry.receivedUpTo);
        }
      return erased;
    },
    { ...options, what: 'deletion ledger' },
  );
}
