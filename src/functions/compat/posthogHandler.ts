import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import type { ApiHandler } from '../../app.js';
import { isObject } from '../../core/compat/mappedMessage.js';
import { mapPosthogMessage } from '../../core/compat/mapPosthogMessage.js';
import { MAX_EVENT_BYTES } from '../../core/event.js';
import type { Deps } from '../../deps.js';
import { problem } from '../respond.js';
import { acceptMessages } from './acceptMessages.js';
import { authenticateCompat, keySource } from './authenticateCompat.js';
import { answer, refused, tooBigMessage } from './compatAnswers.js';
import { readCompatBody } from './readCompatBody.js';

/** The batch's messages, its `sent_at` and the key it names, from any of capture's body shapes. */
function envelope(
  value: unknown,
):
  | { ok: true; messages: unknown[]; sentAt: unknown; key: unknown }
  | { ok: false; message: string } {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    const key = isObject(first)
      ? (first.api_key ??
        first.token ??
        (isObject(first.properties) ? first.properties.token : undefined))
      : undefined;
    return { ok: true, messages: value, sentAt: undefined, key };
  }
  if (!isObject(value)) return { ok: false, message: 'the body must be a JSON object or array' };
  const key =
    value.api_key ??
    value.token ??
    (isObject(value.properties) ? value.properties.token : undefined);
  if ('batch' in value) {
    if (!Array.isArray(value.batch))
      return { ok: false, message: 'batch must be an array of events' };
    return { ok: true, messages: value.batch, sentAt: value.sent_at, key };
  }
  return { ok: true, messages: [value], sentAt: undefined, key };
}

/**
 * PostHog capture (`batch`, `capture`, `e`, `i/v0/e`): 200 `{ status: 'Ok' }` once the batch was
 * taken, rejected events listed; 400 for a body that is not an event or a batch, like capture.
 */
export function createPosthogHandler(deps: Deps): ApiHandler {
  return async function posthog(
    request: HttpRequest,
    context: InvocationContext,
  ): Promise<HttpResponseInit> {
    const now = deps.now();
    const body = await readCompatBody(request);
    if (!body.ok) return problem(body.status, body.code, body.message);
    const parsed = envelope(body.value);
    if (!parsed.ok) return problem(400, 'invalid_body', parsed.message);
    const auth = await authenticateCompat(deps, request, parsed.key);
    if (!auth.ok) return refused(auth, keySource(request, 'api_key'));
    const { caller } = auth;
    if (parsed.messages.length === 0) {
      return problem(400, 'empty_batch', 'the batch holds no events', [
        { path: 'batch', code: 'too_small', message: 'must contain at least 1 event' },
      ]);
    }
    const tooBig = tooBigMessage(parsed.messages, MAX_EVENT_BYTES, body.bytes);
    if (tooBig) return tooBig;

    const mapDeps = { now, keyId: caller.keyId, newId: deps.newId };
    const mapped = parsed.messages.map((m) =>
      mapPosthogMessage(m, { batchSentAt: parsed.sentAt }, mapDeps),
    );
    const traceparent =
      request.headers.get('traceparent') ?? context.traceContext?.traceParent ?? undefined;
    const outcome = await acceptMessages(deps, caller, mapped, parsed.messages, {
      now,
      protocol: 'posthog',
      traceparent,
    });
    return answer(outcome, { status: 'Ok' });
  };
}
