/** Custom events and metrics (Application Insights in Azure, nothing locally). */
export type TelemetryProperties = Record<string, string | number | boolean>;

/** W3C trace context of the operation a telemetry item belongs to (the ingest request's, carried in the message). */
export interface TelemetryContext {
  traceparent?: string | undefined;
}

export interface Telemetry {
  /** Sends what is buffered (on shutdown); absent where nothing is buffered. */
  flush?(): Promise<void>;
  trackEvent(name: string, properties?: TelemetryProperties, context?: TelemetryContext): void;
  trackMetric(
    name: string,
    value: number,
    properties?: TelemetryProperties,
    context?: TelemetryContext,
  ): void;
}
