import { randomUUID } from 'node:crypto';

import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ArchiveObjectsOffline } from '../../../src/adapters/archive/archiveObjectsOffline.js';
import { createBlobArchive } from '../../../src/adapters/archive/blobArchive.js';
import { loadConfig } from '../../../src/config.js';
import type { ArchivedEvent } from '../../../src/core/archive/archivedEvent.js';
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

describe('createBlobArchive rewriteHour and access tiers', () => {
  it('keeps a rewritten object in its tier, and rehydrates an archived one, rewriting it on the next call', async () => {
    const container = service.getContainerClient(`archive-${randomUUID()}`);
    await container.create();
    try {
      const archive = createBlobArchive(container);
      const hour = '2026/05/02/10/';
      const gone = (i: number) =>
        archivedEvent(`2026-05-02T10:0${i}:00.000Z`, { userId: 'gone-tier' });
      const stays = archivedEvent('2026-05-02T10:09:00.000Z', { userId: 'stays' });
      await archive.append([gone(1), stays]);
      await archive.append([gone(2), gone(3)]);
      const [cool, archived] = await archive.list(hour);
      await container.getBlockBlobClient(cool!).setAccessTier('Cool');
      await container.getBlockBlobClient(archived!).setAccessTier('Archive');
      const drop = (e: ArchivedEvent) => e.userId === 'gone-tier';

      const error = await archive.rewriteHour(hour, drop).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ArchiveObjectsOffline);
      expect(error).toMatchObject({ names: [archived], done: { objects: 1, lines: 1 } });
      expect((await archive.read(cool!)).events).toEqual([stays]);
      expect((await container.getBlockBlobClient(cool!).getProperties()).accessTier).toBe('Cool');
      // Azurite rehydrates at once; Azure within hours (archiveStatus says it is pending meanwhile).
      expect((await container.getBlockBlobClient(archived!).getProperties()).accessTier).toBe(
        'Cool',
      );

      expect(await archive.rewriteHour(hour, drop)).toEqual({ objects: 1, lines: 2 });
      expect(await archive.list(hour)).toEqual([cool]);
    } finally {
      await container.delete();
    }
  });
});
