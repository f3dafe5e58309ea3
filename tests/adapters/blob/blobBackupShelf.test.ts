import { randomUUID } from 'node:crypto';

import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll } from 'vitest';

import { blobBackupShelf } from '../../../src/adapters/blob/blobBackupShelf.js';
import { type AzuriteBlob, startAzuriteBlob } from '../../support/azurite.js';
import { backupShelfContract } from '../backupShelfContract.js';

let azurite: AzuriteBlob;
let service: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
});
afterAll(async () => {
  await azurite?.stop();
});

for (const parent of ['', 'nightly/eu']) {
  backupShelfContract(`blob (Azurite), parent "${parent}"`, async () => {
    // The container is made by the first put: the shelf also meets a container that does not exist.
    const container = service.getContainerClient(`backups-${randomUUID()}`);
    const under = parent === '' ? '' : `${parent}/`;
    const upload = async (name: string, text: string) => {
      await container.createIfNotExists();
      await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
    };
    return {
      shelf: blobBackupShelf(container, parent),
      put: (entry, file, text) => upload(`${under}${entry}/${file}`, text),
      putLoose: (file, text) => upload(`${under}${file}`, text),
      async files(entry) {
        if (!(await container.exists())) return [];
        const names: string[] = [];
        for await (const blob of container.listBlobsFlat({ prefix: `${under}${entry}/` }))
          names.push(blob.name.slice(`${under}${entry}/`.length));
        return names.sort();
      },
      async cleanup() {
        await container.deleteIfExists();
      },
    };
  });
}
