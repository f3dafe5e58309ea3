import type { Telemetry } from '../../ports/index.js';

/** Telemetry that sends nothing: locally, in tests, and in Azure without a connection string. */
export const noTelemetry: Telemetry = {
  trackEvent: () => undefined,
  trackMetric: () => undefined,
};
