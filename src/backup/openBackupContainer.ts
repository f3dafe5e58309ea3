import type { ContainerClient } from '@azure/storage-blob';

import type { Config } from '../config.js';
import type { BackupLocation } from './backupLocation.js';

/**
 * The Blob container of a backup location: with BACKUP_BLOB_CONNECTION (Azurite, a key-based
 * account) through that connection string, otherwise the account URL with Entra ID.
 */
export async function openBackupContainer(
  config: Pick<Config, 'BACKUP_BLOB_CONNECTION' | 'AZURE_CLIENT_ID'>,
  location: Extract<BackupLocation, { kind: 'blob' }>,
): Promise<ContainerClient> {
  const { createBlobServiceClient } = await import('../adapters/blob/createBlobServiceClient.js');
  const service = createBlobServiceClient({
    connection: config.BACKUP_BLOB_CONNECTION,
    accountUrl: location.serviceUrl,
    clientId: config.AZURE_CLIENT_ID,
  });
  return service.getContainerClient(location.container);
}
