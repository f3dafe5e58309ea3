import { randomUUID } from 'node:crypto';

import {
  BlobServiceClient,
  ContainerClient,
  ContainerSASPermissions,
  RestError,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { publishModel } from '../../scripts/publishModel.js';
import { type AzuriteBlob, startAzuriteBlob } from '../support/azurite.js';

let azurite: AzuriteBlob;
let service: BlobServiceClient;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
});
afterAll(async () => {
  await azurite?.stop();
});

async function newContainer(): Promise<ContainerClient> {
  const container = service.getContainerClient(`models-${randomUUID()}`);
  await container.create();
  return container;
}

describe('publishModel (Azurite)', () => {
  it('uploads the first model, then leaves a published one as it is', async () => {
    const container = await newContainer();
    const first = Buffer.from('{"version":"1"}');
    expect(await publishModel(container, 'champion.json', first)).toBe('published');
    expect(await publishModel(container, 'champion.json', Buffer.from('{"version":"2"}'))).toBe(
      'exists',
    );
    const body = await container.getBlockBlobClient('champion.json').downloadToBuffer();
    expect(body.toString()).toBe('{"version":"1"}');
  });

  it('retries while writes are forbidden, then gives up with the storage error', async () => {
    const container = await newContainer();
    const readOnly = new ContainerClient(
      await container.generateSasUrl({
        permissions: ContainerSASPermissions.parse('r'),
        expiresOn: new Date(Date.now() + 3_600_000),
      }),
    );
    const lines: string[] = [];
    const attempt = publishModel(readOnly, 'champion.json', Buffer.from('{}'), {
      attempts: 3,
      delayMs: 1,
      log: (line) => lines.push(line),
    });
    await expect(attempt).rejects.toBeInstanceOf(RestError);
    await expect(attempt).rejects.toMatchObject({ statusCode: 403 });
    expect(lines).toHaveLength(2);
    expect(await container.getBlockBlobClient('champion.json').exists()).toBe(false);
  });
});
