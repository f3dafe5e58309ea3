import type { Caller, Scope } from './scope.js';

/** Outcome of checking a request's key for a scope: the caller, or why not (401 or 403). */
export type AccessOutcome =
  | { ok: true; caller: Caller }
  | {
      ok: false;
      status: 401 | 403;
      code: 'unauthorized' | 'forbidden';
      message: string;
      /** The scope the route needs, named in the error. */
      scope: Scope;
    }
  | {
      ok: false;
      /** The key store did not answer and the key was not cached: retry later. */
      status: 503;
      code: 'key_store_unavailable';
      message: string;
      scope: Scope;
    };

/** Outcome of taking tokens from the caller's bucket; headers go on every limited response. */
export type LimitOutcome =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; retryAfterSeconds: number; headers: Record<string, string> };
