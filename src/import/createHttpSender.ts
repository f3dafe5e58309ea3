import type { FieldError } from '../core/event.js';
import { parseRetryAfter } from '../core/import/retryDelay.js';
import type { EventResult } from '../core/validateEvents.js';
import type { BatchSender } from './batchSender.js';

interface IngestBody {
  results?: EventResult[];
  error?: { code?: string; message?: string; errors?: FieldError[] };
}

/** POST /api/events through the public API, so the same command serves a local host or a deployment. */
export function createHttpSender(options: {
  url: string;
  key?: string;
  timeoutMs?: number;
}): BatchSender {
  const endpoint = new URL(
    'api/events',
    options.url.endsWith('/') ? options.url : `${options.url}/`,
  );
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  return async function send(body, count) {
    let response: Response;
    let parsed: IngestBody | undefined;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
      parsed = (await response.json().catch(() => undefined)) as IngestBody | undefined;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { kind: 'retry', reason: `network: ${cause ?? (err as Error).message}` };
    }
    const status = response.status;
    if (Array.isArray(parsed?.results)) return { kind: 'results', results: parsed.results };
    const detail = `${status} ${parsed?.error?.message ?? response.statusText}`;
    if (status === 429 || status === 503) {
      const waitMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      return { kind: 'retry', reason: detail, ...(waitMs === undefined ? {} : { waitMs }) };
    }
    if (status >= 500 || status === 408) return { kind: 'retry', reason: detail };
    if (status === 400 && parsed?.error?.code === 'invalid_body') {
      const errors = parsed.error.errors ?? [];
      return {
        kind: 'results',
        results: Array.from({ length: count }, (_, index) => ({
          index,
          eventId: null,
          status: 'rejected',
          errors,
        })),
      };
    }
    if (status === 401 || status === 403)
      return { kind: 'fatal', reason: `key refused: ${detail}` };
    if (status === 413) return { kind: 'fatal', reason: `${detail}; lower --batch` };
    return { kind: 'fatal', reason: detail };
  };
}
