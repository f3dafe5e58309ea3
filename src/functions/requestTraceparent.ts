import type { HttpRequest, InvocationContext } from '@azure/functions';

/** The request's W3C traceparent: the caller's header, else the one the Functions host started. */
export const requestTraceparent = (
  request: HttpRequest,
  context: InvocationContext,
): string | undefined =>
  request.headers.get('traceparent') ?? context.traceContext?.traceParent ?? undefined;
