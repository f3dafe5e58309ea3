import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { type Caller, openCaller } from '../core/access/scope.js';
import { decodeBody } from '../core/decodeBody.js';
import { deriveEventId, parseIdempotencyKey } from '../core/idempotency/idempotencyKey.js';
import { suppressEvents } from '../core/privacy/suppressEvents.js';
import { validateEvents } from '../core/validateEvents.js';
import type { Deps } from '../wiring/deps.js';
import { acceptEvents } from './accept/acceptEvents.js';
import { rateLimited } from './bindHttpFunction.js';
import { requestTraceparent } from './requestTraceparent.js';
import { json, problem } from './respond.js';

/** POST /api/events: validate each event, hand the valid ones to the queue, answer per event. */
export function createIngestHandler(deps: Deps) {
  return async function ingest(
    request: HttpRequest,
    context: InvocationContext,
    caller: Caller = openCaller,
  ): Promise<HttpResponseInit> {
    const now = deps.now();
    const started = performance.now();
    const idempotencyKey = parseIdempotencyKey(request.headers.get('idempotency-key'));
    if (!idempotencyKey.ok) {
      return problem(400, 'invalid_header', idempotencyKey.message, [
        { path: 'Idempotency-Key', code: 'invalid_header', message: idempotencyKey.message },
      ]);
    }
    const key = idempotencyKey.value;
    const decoded = decodeBody(new Uint8Array(await request.arrayBuffer()), {
      contentType: request.headers.get('content-type'),
      contentEncoding: request.headers.get('content-encoding'),
    });
    if (!decoded.ok) return problem(decoded.status, decoded.code, decoded.message);

    const source = caller.scope === 'open' ? undefined : caller.name;

    const validation = validateEvents(decoded.value, {
      now,
      newId: key === undefined ? deps.newId : (index) => deriveEventId(caller.keyId, key, index),
      source,
      bodyBytes: decoded.bytes,
    });
    if (validation.kind === 'invalidBody') {
      return problem(
        400,
        'invalid_body',
        `invalid body: ${validation.errors[0]?.path}: ${validation.errors[0]?.message}`,
        validation.errors,
      );
    }
    // Suppressed users' events become per-event rejections (code `suppressed`); no store read here.
    let suppressed;
    try {
      suppressed = await deps.privacy.list.current();
    } catch (err) {
      deps.logger.warn(`ingest: suppression list unavailable: ${(err as Error).message}`);
      return problem(
        503,
        'store_unavailable',
        'the suppression list could not be read; nothing was accepted, retry the whole request',
        undefined,
        { 'retry-after': '5' },
      );
    }
    const { accepted, results } = suppressEvents(
      validation.accepted,
      validation.results,
      suppressed,
    );
    const rejected = results.filter((r) => r.status === 'rejected').length;
    const duplicates = results.length - accepted.length - rejected;
    const bySource = { source: source ?? 'open' };
    deps.telemetry.trackMetric('IngestEventsReceived', results.length, bySource);
    deps.telemetry.trackMetric('IngestEventsRejected', rejected, bySource);
    if (duplicates > 0) deps.telemetry.trackMetric('IngestEventsDuplicate', duplicates, bySource);
    if (accepted.length === 0) {
      // The one error shape, plus the per-event results a client needs to fix its events.
      const error = {
        code: 'no_valid_event',
        message: 'no event in the request is valid; each result names its errors',
      };
      return json(400, { error, accepted: 0, rejected, duplicates, results });
    }

    // Ingest costs one token per accepted event, all or none: a batch is never half accepted.
    const traceparent = requestTraceparent(request, context);
    const outcome = await acceptEvents(deps, caller, accepted, { label: 'ingest', traceparent });
    if (outcome.kind === 'limited') return rateLimited(outcome.retryAfterSeconds, outcome.headers);
    if (outcome.kind === 'unavailable') {
      return problem(
        503,
        'queue_unavailable',
        'the queue did not take the events; nothing was accepted, retry the whole request',
        undefined,
        { ...outcome.headers, 'retry-after': String(outcome.retryAfterSeconds) },
      );
    }
    deps.telemetry.trackMetric('IngestEventsAccepted', accepted.length, bySource, { traceparent });
    deps.telemetry.trackMetric('IngestMs', performance.now() - started, {}, { traceparent });
    return json(202, { accepted: accepted.length, rejected, duplicates, results }, outcome.headers);
  };
}
