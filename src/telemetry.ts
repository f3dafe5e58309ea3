import { noTelemetry, type Logger, type Telemetry } from './ports.js';

/** Application Insights when a connection string is set; nothing otherwise (locally, in tests). */
export async function createTelemetry(connectionString: string | undefined, _logger: Logger): Promise<Telemetry> {
  if (!connectionString) return noTelemetry;
  const { createAppInsightsTelemetry } = await import('./appInsightsTelemetry.js');
  return createAppInsightsTelemetry(connectionString);
}
