import type { Scope } from './scope.js';

/** Whether a key of scope `held` may call a route needing `needed`: admin also reads, write only writes. */
export function grants(held: Scope, needed: Scope): boolean {
  return held === needed || (held === 'admin' && needed === 'read');
}
