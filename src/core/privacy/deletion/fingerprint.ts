import { createHash } from 'node:crypto';

/**
 * The ledger's form of an erased id: SHA-256 of a fixed prefix and the id, hex. The ledger keeps
 * fingerprints, never ids, so a deleted person's id appears in no file; an event, document or
 * backup row is recognised by fingerprinting its id. A fingerprint of a guessable id (an email)
 * can be confirmed by someone who guesses it: it is pseudonymous, not anonymous (README, "Privacy").
 */
export function fingerprint(userId: string): string {
  return createHash('sha256').update(`event-scoring/erased:${userId}`).digest('hex');
}
