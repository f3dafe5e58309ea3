import type { AccessOutcome, LimitOutcome } from '../core/access/accessOutcome.js';
import type { ApiKeyRecord } from '../core/access/apiKeyRecord.js';
import type { Caller, Scope } from '../core/access/scope.js';
import type { BucketTake, RatePolicy } from '../core/access/tokenBucket.js';

/** Request headers as the handlers see them (the Fetch API's Headers fits). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** API keys and rate limits, as the function wrapper and the ingest paths use them. */
export interface Access {
  /** True while no key exists on the local host: every request gets the open caller. */
  isOpen(): boolean;
  /** Reads the key from Authorization (Bearer or Basic) or x-api-key and checks it holds `scope`. */
  authenticate(headers: HeaderReader, scope: Scope): Promise<AccessOutcome>;
  /** Checks a key given some other way (Segment's `writeKey`, PostHog's `api_key` in the body). */
  verify(secret: string | undefined, scope: Scope): Promise<AccessOutcome>;
  /** Takes `cost` tokens from the caller's bucket, all or none. */
  take(caller: Caller, cost: number): Promise<LimitOutcome>;
}

/** Where API key records live, beside the data. Implementations: the embedded SQLite store, Cosmos DB. */
export interface ApiKeyStore {
  /** One point read by keyId; undefined when there is none. */
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Creates or replaces the record. */
  put(record: ApiKeyRecord): Promise<void>;
  /** Every record, revoked ones included (key management only: a scan of a small table). */
  list(): Promise<ApiKeyRecord[]>;
  /** Whether any key was ever created: the local host runs open until then. */
  hasAny(): Promise<boolean>;
  /** Sets lastUsedAt only, leaving the rest of the record (a revocation in between) alone. */
  touch(keyId: string, lastUsedAt: string): Promise<void>;
  close(): Promise<void>;
}

/** Token buckets by name. Implementations: in process, Redis (shared by every instance). */
export interface RateLimiter {
  /** Refills, then takes `cost` tokens all or none. Throws when the shared counter is unreachable. */
  take(bucket: string, cost: number, policy: RatePolicy): Promise<BucketTake>;
  close(): Promise<void>;
}
