import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { openCaller, type Caller } from '../core/access/scope.js';
import { decodeBody } from '../core/decodeBody.js';
import { validateEvents } from '../core/validateEvents.js';
import type { Deps } from '../deps.js';
import { rateLimited } from './bindHttpFunction.js';
import { json, problem } from './respond.js';

/** POST /api/events: validate each event, hand the valid ones to the queue, answer per event. */
export function createIngestHandler(deps: Deps) {
  return async function ingest(
    request: HttpRequest,
    context: InvocationContext,
    caller: Caller = openCaller,
  ): Promise<HttpResponseInit> {
    const now = deps.now();
    const decoded = decodeBody(new Uint8Array(await request.arrayBuffer()), {
      contentType: request.headers.get('content-type'),
      contentEncoding: request.headers.get('content-encoding'),
    });
    if (!decoded.ok) return problem(decoded.status, decoded.code, decoded.message);

    const validation = validateEvents(decoded.value, {
      now,
      newId: deps.newId,
      source: caller.scope === 'open' ? undefined : caller.name,
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
    const { accepted, results } = validation;
    const rejected = results.filter((r) => r.status === 'rejected').length;
    const duplicates = results.length - accepted.length - rejected;
    deps.telemetry.trackMetric('IngestEventsRejected', rejected);
    if (accepted.length === 0) return json(400, { accepted: 0, rejected, duplicates, results });

    // Ingest costs one token per accepted event, all or none: a batch is never half accepted.
    const limit = await deps.access.take(caller, accepted.length);
    if (!limit.ok) return rateLimited(limit.retryAfterSeconds, limit.headers);

    const traceparent =
      request.headers.get('traceparent') ?? context.traceContext?.traceParent ?? undefined;
    const started = performance.now();
    const sent = await deps.queue.send(accepted, { traceparent });
    deps.telemetry.trackMetric(
      'QueueSendMs',
      performance.now() - started,
      { ok: sent.ok },
      { traceparent },
    );
    if (!sent.ok) {
      deps.logger.warn(
        `ingest: queue unavailable, ${accepted.length} events refused: ${sent.reason}`,
      );
      return problem(
        503,
        'queue_unavailable',
        'the queue did not take the events; nothing was accepted, retry the whole request',
        undefined,
        {
          ...limit.headers,
          'retry-after': String(sent.retryAfterSeconds),
        },
      );
    }
    deps.telemetry.trackMetric('IngestEventsAccepted', accepted.length, {}, { traceparent });
    return json(202, { accepted: accepted.length, rejected, duplicates, results }, limit.headers);
  };
}
