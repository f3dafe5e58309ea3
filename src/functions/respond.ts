import type { HttpRequest, HttpResponseInit } from '@azure/functions';

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

/**
 * A JSON request body through its parser: a body that is not JSON is a 400 `invalid_json` naming the
 * expected `shape`; one the parser refuses, a 400 naming the fields (badParams).
 */
export async function readJsonBody<T extends { ok: true }>(
  request: Pick<HttpRequest, 'text'>,
  shape: string,
  parse: (body: unknown) => T | { ok: false; errors: FieldError[] },
): Promise<T | { ok: false; response: HttpResponseInit }> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return {
      ok: false,
      response: problem(400, 'invalid_json', `the body must be a JSON object ${shape}`),
    };
  }
  const parsed = parse(body);
  return parsed.ok ? parsed : { ok: false, response: badParams(parsed.errors) };
}
