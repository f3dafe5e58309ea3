import type { Scope } from './scope.js';

/** A key as stored: never the key itself, only its hash (and the previous one during a rotation). */
export interface ApiKeyRecord {
  keyId: string;
  name: string;
  scope: Scope;
  hash: string;
  /** The hash of the key before the last rotation, accepted until previousValidUntil. */
  previousHash?: string;
  previousValidUntil?: string;
  /** Per-key overrides of the scope's defaults. */
  ratePerSecond?: number;
  burst?: number;
  createdAt: string;
  rotatedAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}
