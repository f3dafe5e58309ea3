/** The trace id of a W3C traceparent (`00-<32 hex>-<16 hex>-<2 hex>`), or undefined when malformed. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  if (!traceparent) return undefined;
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent.trim());
  return match?.[1];
}
