import { type Logger, noTelemetry, type Telemetry } from './ports.js';

/**
 * Application Insights when a connection string is set; nothing otherwise (locally, in tests).
 * The SDK is imported here, on first use, never at module load: it is the heaviest import the app
 * has, and registration must stay cheap for cold start. Telemetry never stops the app: if the SDK
 * cannot start, the app runs without it and says so.
 */
export async function createTelemetry(
  connectionString: string | undefined,
  logger: Logger,
): Promise<Telemetry> {
  if (!connectionString) return noTelemetry;
  try {
    const { createAppInsightsTelemetry } = await import('./appInsightsTelemetry.js');
    return createAppInsightsTelemetry(connectionString);
  } catch (err) {
    logger.error(
      `telemetry: Application Insights did not start, continuing without it: ${(err as Error).message}`,
    );
    return noTelemetry;
  }
}
