import { DefaultAzureCredential } from '@azure/identity';
import { RetryMode, type RetryOptions, ServiceBusClient } from '@azure/service-bus';

import type { Config } from '../../config.js';

export type ServiceBusSettings = Partial<
  Pick<
    Config,
    'ServiceBusConnection' | 'ServiceBusConnection__fullyQualifiedNamespace' | 'AZURE_CLIENT_ID'
  >
>;

/**
 * The SDK's defaults (30 s between retries, 60 s per try) would hold an ingest request for
 * minutes; a client that gets a 503 with Retry-After sooner can retry on its own.
 */
export const INGEST_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 2,
  retryDelayInMs: 500,
  maxRetryDelayInMs: 4000,
  mode: RetryMode.Exponential,
  timeoutInMs: 10_000,
};

/**
 * The one ServiceBusClient per process. A connection string (emulator, test broker) wins;
 * otherwise the namespace with the app's managed identity, so no secret is needed in Azure.
 */
export function createServiceBusClient(
  settings: ServiceBusSettings,
  retryOptions: RetryOptions = INGEST_RETRY_OPTIONS,
): ServiceBusClient {
  if (settings.ServiceBusConnection) {
    return new ServiceBusClient(settings.ServiceBusConnection, { retryOptions });
  }
  const namespace = settings.ServiceBusConnection__fullyQualifiedNamespace;
  if (!namespace) {
    throw new Error(
      'Service Bus needs ServiceBusConnection__fullyQualifiedNamespace or ServiceBusConnection',
    );
  }
  const credential = new DefaultAzureCredential({
    managedIdentityClientId: settings.AZURE_CLIENT_ID,
  });
  return new ServiceBusClient(namespace, credential, { retryOptions });
}
