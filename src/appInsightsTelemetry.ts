import { startOperation, TelemetryClient, wrapWithCorrelationContext } from 'applicationinsights';

import type { Telemetry, TelemetryContext, TelemetryProperties } from './ports.js';

/** The port plus what tests and shutdown need: send what is queued, stop the SDK. */
export interface AppInsightsTelemetry extends Telemetry {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C trace context in a traceparent, or undefined when it is absent or malformed. */
export function parseTraceparent(
  traceparent: string | undefined,
): { traceId: string; spanId: string; traceFlags: number } | undefined {
  const m = TRACEPARENT.exec(traceparent?.trim().toLowerCase() ?? '');
  if (!m) return undefined;
  const [, version = '', traceId = '', spanId = '', flags = ''] = m;
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}

/** As the exporter checks it: lower-case GUID. */
const IKEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let started: { connectionString: string; telemetry: AppInsightsTelemetry } | undefined;

/**
 * Application Insights through the applicationinsights 3.x classic API, started once per process
 * (the SDK registers global OpenTelemetry providers).
 *
 * Only what the port asks for is sent: custom events (customEvents) and custom metrics
 * (customMetrics, pre-aggregated per minute and dimension set by the SDK). Requests, dependencies,
 * console logs, exceptions and Live Metrics are the Functions host's job; collecting them here too
 * would duplicate them, uncorrelated with the host's invocation.
 *
 * An event tracked with a context carries that traceparent's trace id as `ai.operation.id` and its
 * span id as `ai.operation.parentId`. A metric does not: a pre-aggregated metric belongs to no
 * single operation, so the context of a metric call is not sent.
 */
export function createAppInsightsTelemetry(connectionString: string): AppInsightsTelemetry {
  // NOTE: the SDK only logs a bad key and then throws on every trackEvent; refuse it here instead.
  const ikey = /(?:^|;)\s*InstrumentationKey=([^;]*)/i.exec(connectionString)?.[1]?.trim() ?? '';
  if (!IKEY.test(ikey)) {
    throw new Error('the Application Insights connection string has no valid InstrumentationKey');
  }
  if (started) {
    if (started.connectionString !== connectionString) {
      throw new Error(
        'Application Insights is already started in this process with another connection string',
      );
    }
    return started.telemetry;
  }
  const client = new TelemetryClient(connectionString);
  const config = client.config;
  config.enableAutoCollectConsole = false;
  config.enableAutoCollectExceptions = false;
  config.enableAutoCollectRequests = false;
  config.enableAutoCollectDependencies = false;
  config.enableAutoCollectPerformance = false;
  config.enableAutoCollectExternalLoggers = false;
  config.enableAutoCollectPreAggregatedMetrics = false;
  config.enableSendLiveMetrics = false;
  config.noDiagnosticChannel = true;
  client.initialize();

  const telemetry: AppInsightsTelemetry = {
    trackEvent(name: string, properties?: TelemetryProperties, context?: TelemetryContext) {
      guarded(() =>
        inContext(context, () => client.trackEvent({ name, properties: { ...properties } })),
      );
    },
    trackMetric(
      name: string,
      value: number,
      properties?: TelemetryProperties,
      _context?: TelemetryContext,
    ) {
      guarded(() => client.trackMetric({ name, value, properties: { ...properties } }));
    },
    flush: () => client.flush(),
    async shutdown() {
      await client.shutdown();
      started = undefined;
    },
  };
  started = { connectionString, telemetry };
  return telemetry;
}

/** Runs `track` with the operation of `context.traceparent` active, so the item is correlated. */
function inContext(context: TelemetryContext | undefined, track: () => void): void {
  const parsed = parseTraceparent(context?.traceparent);
  const correlation = parsed ? startOperation(parsed) : null;
  if (!correlation) return track();
  wrapWithCorrelationContext(track, correlation)();
}

/** Telemetry never fails the invocation that emits it. */
function guarded(track: () => void): void {
  try {
    track();
  } catch {
    // Nothing to do: the SDK reports its own failures through its diagnostic log.
  }
}
