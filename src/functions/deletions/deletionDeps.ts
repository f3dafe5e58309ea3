import type { DeletionDeps } from '../../core/privacy/deletion/runDeletion.js';
import type { DeletionRequest } from '../../ports/index.js';
import type { Deps } from '../../wiring/deps.js';

/** A deletion's parts, from the process's deps: the host's timer and the delete command share it. */
export function deletionDepsOf(
  deps: Pick<
    Deps,
    | 'deletions'
    | 'store'
    | 'archive'
    | 'deadLetters'
    | 'queue'
    | 'sql'
    | 'audit'
    | 'logger'
    | 'config'
    | 'now'
    | 'newId'
  >,
  onProgress?: (request: DeletionRequest) => void,
): DeletionDeps {
  const queue = deps.queue.removeEvents && deps.queue;
  const sql = deps.sql;
  return {
    ledger: deps.deletions.ledger,
    store: deps.store,
    archive: deps.archive,
    deadLetters: deps.deadLetters,
    ...(queue && {
      queue: { removeEvents: (ids, upTo) => queue.removeEvents!(ids, upTo) },
    }),
    ...(sql && {
      eventFiles: async (days, ids) => {
        const { rewriteWithoutUsers } = await import('../../sql/compactEvents.js');
        return rewriteWithoutUsers(
          { files: await sql.files(), writer: await sql.writer(), newId: deps.newId },
          days,
          ids,
        );
      },
    }),
    audit: deps.audit,
    logger: deps.logger,
    now: deps.now,
    newId: deps.newId,
    startDelayMs: deps.config.SUPPRESSION_CACHE_SECONDS * 1000,
    scrub: async () => {
      // The ledger scrubs its own file when it saves a request done.
      await deps.store.erasure.scrub?.();
      deps.deadLetters.scrub?.();
      deps.queue.scrub?.();
    },
    ...(onProgress && { onProgress }),
  };
}
