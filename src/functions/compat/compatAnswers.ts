import type { HttpResponseInit } from '@azure/functions';

import type { AccessOutcome } from '../../core/access/accessOutcome.js';
import { serialisedBytes } from '../../core/serialisedBytes.js';
import { rateLimited, withHeaders } from '../bindHttpFunction.js';
import { json, problem } from '../respond.js';
import type { AcceptOutcome } from './acceptMessages.js';

/** 401/403 in our one error shape; the SDKs read only the status (neither retries it). */
export function refused(
  auth: Extract<AccessOutcome, { ok: false }>,
  where: string,
): HttpResponseInit {
  return problem(auth.status, auth.code, `${auth.message} (key read from ${where})`, undefined, {
    ...(auth.status === 401 ? { 'www-authenticate': 'Basic realm="api"' } : {}),
  });
}

/** The answer to an accept step: `ok` is the protocol's success body (`{ success: true }`, `{ status: 'Ok' }`). */
export function answer(outcome: AcceptOutcome, ok: Record<string, unknown>): HttpResponseInit {
  if (outcome.kind === 'limited') return rateLimited(outcome.retryAfterSeconds, outcome.headers);
  if (outcome.kind === 'unavailable') {
    return problem(
      503,
      'queue_unavailable',
      'the queue did not take the events; nothing was accepted, retry the whole request',
      undefined,
      { 'retry-after': String(outcome.retryAfterSeconds) },
    );
  }
  return withHeaders(
    json(200, {
      ...ok,
      accepted: outcome.accepted,
      duplicates: outcome.duplicates,
      rejected: outcome.rejected,
    }),
    outcome.headers,
  );
}

/** 413 when one message is over `limit` bytes serialised; undefined when all fit. */
export function tooBigMessage(
  messages: readonly unknown[],
  limit: number,
  bodyBytes: number,
): HttpResponseInit | undefined {
  if (bodyBytes <= limit) return undefined;
  const index = messages.findIndex((m) => serialisedBytes(m) > limit);
  if (index < 0) return undefined;
  return problem(413, 'message_too_large', `message ${index} is over ${limit} bytes serialised`, [
    {
      path: `batch.${index}`,
      code: 'too_big',
      message: `must be at most ${limit} bytes serialised`,
    },
  ]);
}
