import { Readable } from 'node:stream';

import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseUserId } from '../../core/analytics/analyticsParams.js';
import { exportNdjson, type ExportSources } from '../../core/privacy/exportPerson.js';
import { badParams, fromStore } from '../respond.js';

/**
 * GET /api/privacy/users/{userId}/export: everything stored about the person as a streamed NDJSON
 * body. The first line is read before answering, so a store that is down still gets the one error
 * shape (503) rather than a 200 cut short.
 */
export function createExportUserHandler(deps: ExportSources & Parameters<typeof fromStore>[0]) {
  return async function exportUser(request: HttpRequest): Promise<HttpResponseInit> {
    const userId = parseUserId(request.params.userId);
    if (!userId.ok) return badParams(userId.errors);
    return fromStore(deps, async () => {
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
