import { v5 as uuidv5 } from 'uuid';

/**
 * The UUIDv5 namespace of ids derived from an Idempotency-Key. Fixed for good: changing it would
 * give a retry of a request sent before the change new ids, and store its events twice.
 */
export const IDEMPOTENCY_NAMESPACE = '6d1f3a52-0c4e-4b8e-9a57-2f4a1c9e7b30';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

export type IdempotencyKeyOutcome =
  { ok: true; value: string | undefined } | { ok: false; message: string };

/** The Idempotency-Key header: absent, or 1-255 visible ASCII characters (no spaces, no controls). */
export function parseIdempotencyKey(header: string | null): IdempotencyKeyOutcome {
  if (header === null) return { ok: true, value: undefined };
  if (header.length === 0 || header.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      ok: false,
      message: `Idempotency-Key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters, not ${header.length}`,
    };
  }
  if (!VISIBLE_ASCII.test(header)) {
    return {
      ok: false,
      message: 'Idempotency-Key may contain only visible ASCII characters (0x21-0x7E)',
    };
  }
  return { ok: true, value: header };
}

/**
 * The id of the event at `index` of a request sent with `idempotencyKey` by the key `keyId`: the same
 * three always give the same UUID, so a retried request repeats its ids and the store keeps one copy.
 * The parts are joined with a newline, which none of them may contain, so no two triples collide.
 */
export function deriveEventId(keyId: string, idempotencyKey: string, index: number): string {
  return uuidv5(`${keyId}\n${idempotencyKey}\n${index}`, IDEMPOTENCY_NAMESPACE);
}
