import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import type { ApiHandler } from '../../app.js';
import { isObject } from '../../core/compat/mappedMessage.js';
import { mapSegmentMessage, type SegmentType } from '../../core/compat/mapSegmentMessage.js';
import type { Deps } from '../../deps.js';
import { problem } from '../respond.js';
import { acceptMessages } from './acceptMessages.js';
import { authenticateCompat, keySource } from './authenticateCompat.js';
import { answer, refused, tooBigMessage } from './compatAnswers.js';
import { readCompatBody } from './readCompatBody.js';

export const SEGMENT_MAX_BATCH_BYTES = 500 * 1024;
export const SEGMENT_MAX_MESSAGE_BYTES = 32 * 1024;

/**
 * Segment's HTTP Tracking API: `batch` for v1/batch and v1/import, a type for v1/track, v1/page, ....
 * 200 `{ success: true }` whenever the batch was taken, rejected messages listed (analytics-node drops
 * a whole batch on a 400, so 400 is kept for bodies that are not JSON).
 */
export function createSegmentHandler(call: 'batch' | SegmentType): (deps: Deps) => ApiHandler {
  return (deps) =>
    async function segment(
      request: HttpRequest,
      context: InvocationContext,
    ): Promise<HttpResponseInit> {
      const now = deps.now();
      const body = await readCompatBody(request);
      if (!body.ok) return problem(body.status, body.code, body.message);
      if (body.bytes > SEGMENT_MAX_BATCH_BYTES) {
        return problem(
          413,
          'payload_too_large',
          `a batch must be at most ${SEGMENT_MAX_BATCH_BYTES} bytes`,
        );
      }
      if (!isObject(body.value)) {
        return problem(400, 'invalid_body', 'the body must be a JSON object', [
          { path: '(root)', code: 'invalid_type', message: 'must be an object' },
        ]);
      }
      const value = body.value;
      const auth = await authenticateCompat(deps, request, value.writeKey);
      if (!auth.ok) return refused(auth, keySource(request, 'writeKey'));
      const { caller } = auth;
      if (call === 'batch' && !Array.isArray(value.batch)) {
        return problem(400, 'invalid_body', 'batch must be an array of messages', [
          { path: 'batch', code: 'invalid_type', message: 'must be an array' },
        ]);
      }
      const messages: unknown[] = call === 'batch' ? (value.batch as unknown[]) : [value];
      const tooBig = tooBigMessage(messages, SEGMENT_MAX_MESSAGE_BYTES, body.bytes);
      if (tooBig) return tooBig;

      const mapDeps = { now, keyId: caller.keyId, newId: deps.newId };
      const options =
        call === 'batch'
          ? { batchSentAt: value.sentAt, batchContext: value.context }
          : { callType: call };
      const mapped = messages.map((m) => mapSegmentMessage(m, options, mapDeps));
      const traceparent =
        request.headers.get('traceparent') ?? context.traceContext?.traceParent ?? undefined;
      const outcome = await acceptMessages(deps, caller, mapped, messages, {
        now,
        protocol: 'segment',
        traceparent,
      });
      return answer(outcome, { success: true });
    };
}
