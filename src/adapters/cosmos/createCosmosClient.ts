import type { Agent } from 'node:http';

import { CosmosClient, type CosmosClientOptions, type RetryOptions } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';

import type { Config } from '../../config.js';

export type CosmosClientSettings = Pick<
  Config,
  'COSMOS_ENDPOINT' | 'COSMOS_KEY' | 'AZURE_CLIENT_ID'
>;

/**
 * How long the SDK keeps retrying a request answered 429 before failing it. Kept short: the scorer
 * gets the message again later, and an HTTP caller should not wait half a minute.
 */
export const cosmosRetryOptions: RetryOptions = {
  maxRetryAttemptCount: 5,
  maxWaitTimeInSeconds: 10,
};

/**
 * The one CosmosClient of the process. With COSMOS_KEY (the emulator or a test server) key auth;
 * otherwise Microsoft Entra ID through DefaultAzureCredential, using the user-assigned managed
 * identity AZURE_CLIENT_ID when set. `agent` is for tests that trust a self-signed certificate.
 */
export function createCosmosClient(
  settings: CosmosClientSettings,
  extra: { agent?: Agent } = {},
): CosmosClient {
  const endpoint = settings.COSMOS_ENDPOINT;
  if (endpoint === undefined)
    throw new Error('COSMOS_ENDPOINT is required for the Cosmos DB store');
  const auth: Pick<CosmosClientOptions, 'key' | 'aadCredentials'> =
    settings.COSMOS_KEY !== undefined
      ? { key: settings.COSMOS_KEY }
      : {
          aadCredentials: new DefaultAzureCredential(
            settings.AZURE_CLIENT_ID !== undefined
              ? { managedIdentityClientId: settings.AZURE_CLIENT_ID }
              : {},
          ),
        };
  return new CosmosClient({
    endpoint,
    ...auth,
    ...extra,
    userAgentSuffix: 'event-scoring-api',
    connectionPolicy: { retryOptions: cosmosRetryOptions },
  });
}
