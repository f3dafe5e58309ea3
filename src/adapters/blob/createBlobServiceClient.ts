import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';

export interface BlobAccount {
  /** A connection string (Azurite, or a key-based account); wins over accountUrl. */
  connection?: string;
  /** https://<account>.blob.core.windows.net, reached with DefaultAzureCredential. */
  accountUrl?: string;
  /** Client ID of the user-assigned managed identity, when there is one. */
  clientId?: string;
}

/** One client per account; throws when neither a connection string nor an account URL is given. */
export function createBlobServiceClient(account: BlobAccount): BlobServiceClient {
  if (account.connection) return BlobServiceClient.fromConnectionString(account.connection);
  if (!account.accountUrl)
    throw new Error('no blob account: set a connection string or an account URL');
  const credential = new DefaultAzureCredential(
    account.clientId ? { managedIdentityClientId: account.clientId } : {},
  );
  return new BlobServiceClient(account.accountUrl, credential);
}
