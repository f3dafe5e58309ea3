/** What a key may do: write = ingest, read = queries and pages, admin = keys and metrics. */
export type Scope = 'write' | 'read' | 'admin';

export const scopes: readonly Scope[] = ['write', 'read', 'admin'];

/** Who sent a request: the key that authenticated it, or the open caller while no key exists. */
export interface Caller {
  /** Stable identity of the key (survives rotation): rate-limit buckets and derived event ids hang on it. */
  keyId: string;
  /** The key's name, recorded as `source` on stored documents. */
  name: string;
  /** The scope the key holds; `open` when the local host runs without keys. */
  scope: Scope | 'open';
}

/** The caller of every request while the local host has no keys. */
export const openCaller: Caller = { keyId: 'open', name: 'open', scope: 'open' };
