import { createHash } from 'node:crypto';

import { type Scope, scopes } from './scope.js';

/** A key as the client sends it: `esk_<scope>_<keyId>_<secret>`. */
export interface ParsedKey {
  scope: Scope;
  /** 16 hex digits: the stored record's id, stable across rotations. */
  keyId: string;
  /** 32 random bytes, base64url (43 characters). */
  secret: string;
}

export const KEY_PREFIX = 'esk';
const KEY_SHAPE = /^esk_(write|read|admin)_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function formatKey(key: ParsedKey): string {
  return `${KEY_PREFIX}_${key.scope}_${key.keyId}_${key.secret}`;
}

/** The part of a key that may be shown and logged: it names the scope and the record, not the secret. */
export function keyPrefix(scope: Scope, keyId: string): string {
  return `${KEY_PREFIX}_${scope}_${keyId}_`;
}

/** Undefined for anything that is not a well-formed key, so a malformed one never reaches the store. */
export function parseKey(text: string): ParsedKey | undefined {
  if (text.length > 70) return undefined;
  const match = KEY_SHAPE.exec(text);
  if (!match) return undefined;
  const scope = match[1] as Scope;
  return scopes.includes(scope) ? { scope, keyId: match[2]!, secret: match[3]! } : undefined;
}

/**
 * SHA-256 of the whole key, hex. A fast unsalted hash is enough because the secret is 256 random
 * bits: there is no dictionary to try, so a slow password hash would only cost every request.
 */
export function hashKey(key: string): string {
  return keyDigest(key).toString('hex');
}

/** The same hash as bytes, for the comparison on every request. */
export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
