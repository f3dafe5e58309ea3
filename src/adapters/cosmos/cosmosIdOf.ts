import { createHash } from 'node:crypto';

/** Every id the userId rule allowed before Unicode ids: documents named by them keep their ids. */
const PLAIN = /^[A-Za-z0-9_.:@-]{1,128}$/;

/**
 * A Cosmos DB document id naming a user (or any client id). An id may not hold `/`, `\`, `?` or
 * `#` and has at most 255 characters, while a userId may hold anything but control characters:
 * an id of the old rule is used as is, any other becomes `~u:` and its SHA-256 (base64url), which
 * no id of the old rule can be. The documents carry the id itself in a field of their own.
 */
export function cosmosIdOf(value: string): string {
  if (PLAIN.test(value)) return value;
  return `~u:${createHash('sha256').update(value, 'utf8').digest('base64url')}`;
}
