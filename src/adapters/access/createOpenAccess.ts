import { openCaller } from '../../core/access/scope.js';
import type { Access } from '../../ports/index.js';

/** No keys and no limits: every request is the open caller. */
export function createOpenAccess(): Access {
  return {
    isOpen: () => true,
    authenticate: async () => ({ ok: true, caller: openCaller }),
    verify: async () => ({ ok: true, caller: openCaller }),
    take: async () => ({ ok: true, headers: {} }),
  };
}
