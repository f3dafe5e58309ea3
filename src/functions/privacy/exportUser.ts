import { Readable } from 'node:stream';

import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { type Caller, openCaller } from '../../core/access/scope.js';
import { parseUserId } from '../../core/analytics/analyticsParams.js';
import { auditEntry } from '../../core/audit/auditEntry.js';
import { fingerprint } from '../../core/privacy/deletion/fingerprint.js';
import { exportNdjson, type ExportSources } from '../../core/privacy/exportPerson.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore } from '../respond.js';

/**
 * GET /api/privacy/users/{userId}/export: everything stored about the person as a streamed NDJSON
 * body. The first line is read before answering, so a store that is down still gets the one error
 * shape (503) rather than a 200 cut short.
 */
export function createExportUserHandler(
  deps: ExportSources & Pick<Deps, 'audit' | 'logger' | 'now' | 'newId'>,
) {
  return async function exportUser(
    request: HttpRequest,
    _context?: unknown,
    caller: Caller = openCaller,
  ): Promise<HttpResponseInit> {
    const userId = parseUserId(request.params.userId);
    if (!userId.ok) return badParams(userId.errors);
    return fromStore(deps, async () => {
      // The target is the id's fingerprint: the log, append-only, must not outlive a deletion.
      await deps.audit.append([
        auditEntry(
          caller.keyId,
          'export',
          `user:${fingerprint(userId.value)}`,
          deps.now(),
          deps.newId,
        ),
      ]);
      const lines = exportNdjson(deps, userId.value);
      const first = await lines.next();
      async function* all(): AsyncGenerator<Uint8Array> {
        if (!first.done) yield first.value;
        yield* lines;
      }
      return {
        status: 200,
        headers: {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'content-disposition': 'attachment; filename="export.ndjson"',
          'cache-control': 'no-store',
        },
        body: Readable.from(all(), { objectMode: false }),
      };
    });
  };
}
