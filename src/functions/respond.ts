import type { HttpResponseInit } from '@azure/functions';

import type { FieldError } from '../core/event.js';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return {
    status,
    jsonBody: body,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  };
}

/** The one error shape of every 4xx/5xx: a code, a message, and the fields at fault. */
export function problem(
  status: number,
  code: string,
  message: string,
  errors?: FieldError[],
  headers?: Record<string, string>,
) {
  return json(status, { error: { code, message, ...(errors ? { errors } : {}) } }, headers);
}

export function badParams(errors: FieldError[]): HttpResponseInit {
  const first = errors[0];
  const message = first
    ? `invalid parameter ${first.path}: ${first.message}`
    : 'invalid parameters';
  return problem(400, 'invalid_parameter', message, errors);
}

/** Runs a store read; a store that fails answers 503 with Retry-After rather than a bare 500. */
export async function fromStore(
  deps: { logger: { warn(message: string): void } },
  read: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await read();
  } catch (err) {
    deps.logger.warn(`store read failed: ${(err as Error).message}`);
    return problem(
      503,
      'store_unavailable',
      'the score store did not answer; retry later',
      undefined,
      {
        'retry-after': '5',
      },
    );
  }
}
