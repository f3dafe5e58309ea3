import { randomUUID } from 'node:crypto';

import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBlobArchive } from '../../../src/adapters/archive/blobArchive.js';
import { loadConfig } from '../../../src/config.js';
import { createArchive } from '../../../src/wiring/createDeps.js';
import { type AzuriteBlob, startAzuriteBlob } from '../../support/azurite.js';
import { archiveContract, archivedEvent } from '../archiveContract.js';

let azurite: AzuriteBlob;
let service: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
});
afterAll(async () => {
  await azurite?.stop();
});

archiveContract('blob (Azurite)', async () => {
  const container = service.getContainerClient(`archive-${randomUUID()}`);
  await container.create();
  return {
    archive: createBlobArchive(container),
    async putRaw(name, data) {
      await container.getBlockBlobClient(name).uploadData(data);
    },
    async rawUnder(prefix) {
      const out = new Map<string, Buffer>();
      for await (const blob of container.listBlobsFlat({ prefix })) {
        out.set(blob.name, await container.getBlockBlobClient(blob.name).downloadToBuffer());
      }
      return out;
    },
    async cleanup() {
      await container.delete();
    },
  };
});

describe('createArchive (blob settings)', () => {
  it('writes to the container the settings name', async () => {
    const loaded = loadConfig(
      {
        ARCHIVE_BACKEND: 'blob',
        ARCHIVE_BLOB_CONNECTION: azurite.connectionString,
        ARCHIVE_BLOB_CONTAINER: 'raw-events',
      },
      'local',
    );
    if (!loaded.ok) throw new Error(loaded.message);
    await service.getContainerClient('raw-events').create();
    const archive = await createArchive(loaded.config, '/nonexistent');
    await archive.append([archivedEvent('2026-05-01T10:00:00.000Z')]);
    const names: string[] = [];
    for await (const b of service.getContainerClient('raw-events').listBlobsFlat())
      names.push(b.name);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^2026\/05\/01\/10\/.+\.ndjson\.gz$/);
  });

  it('throws when the container is missing, so the scorer batch is retried', async () => {
    const archive = createBlobArchive(service.getContainerClient('no-such-container'));
    await expect(archive.append([archivedEvent('2026-05-01T10:00:00.000Z')])).rejects.toThrow();
  });
});
