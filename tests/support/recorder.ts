import type { Logger, Telemetry, TelemetryProperties } from '../../src/ports/index.js';

/** A logger and telemetry that keep what they were given, for assertions. */
export function recorder() {
  const lines: string[] = [];
  const events: { name: string; properties?: TelemetryProperties }[] = [];
  const logger: Logger = {
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
  const telemetry: Telemetry = {
    trackEvent: (name, properties) => events.push({ name, properties }),
    trackMetric: () => undefined,
  };
  return { lines, events, logger, telemetry };
}
