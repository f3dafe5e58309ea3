import type { AuditAction, AuditRecord } from '../../ports/audit.js';

/** The actor of an action run on the host (`keys`, `restore`): the CLI has no key. */
export const CLI_ACTOR = 'cli';

/** One audit record: the actor's key id (never a secret), the action, its target, the time. */
export function auditEntry(
  actor: string,
  action: AuditAction,
  target: string,
  at: number,
  newId: () => string,
): AuditRecord {
  return { id: newId(), at: new Date(at).toISOString(), actor, action, target };
}
