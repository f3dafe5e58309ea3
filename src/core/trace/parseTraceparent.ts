export interface TraceContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C trace context of a traceparent header (`<version>-<32 hex>-<16 hex>-<2 hex>`), or
 * undefined when it is absent or malformed: version `ff` and all-zero ids are invalid (W3C Trace
 * Context, section 3.2). Hex is read case-insensitively and returned in lower case. The one parser:
 * the logs and Application Insights both correlate through it.
 */
export function parseTraceparent(traceparent: string | null | undefined): TraceContext | undefined {
  const m = TRACEPARENT.exec(traceparent?.trim().toLowerCase() ?? '');
  if (!m) return undefined;
  const [, version = '', traceId = '', spanId = '', flags = ''] = m;
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}
