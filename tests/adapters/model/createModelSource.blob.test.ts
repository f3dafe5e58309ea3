import { readFileSync } from 'node:fs';

import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readBlobIfChanged } from '../../../src/adapters/blob/readBlobIfChanged.js';
import {
  createModelSource,
  type ModelSettings,
} from '../../../src/adapters/model/createModelSource.js';
import { type AzuriteBlob, startAzuriteBlob } from '../../support/azurite.js';
import { recorder as recordAll } from '../../support/recorder.js';

const shipped = JSON.parse(
  readFileSync(new URL('../../../models/default.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const modelText = (version: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({ ...shipped, version, ...over });

const recorder = () => ({ ...recordAll(), baseDir: '/nonexistent' });

let azurite: AzuriteBlob;
let container: ContainerClient;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    'models',
  );
  await container.create();
});
afterAll(async () => {
  await azurite?.stop();
});

const upload = (name: string, text: string) =>
  container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));

const settings = (over: Partial<ModelSettings>): ModelSettings => ({
  MODEL_PATH: 'models/default.json',
  CHALLENGER_MODEL_PATH: undefined,
  MODEL_BLOB_ACCOUNT_URL: undefined,
  MODEL_BLOB_CONNECTION: azurite.connectionString,
  MODEL_BLOB_CONTAINER: 'models',
  MODEL_BLOB_NAME: undefined,
  CHALLENGER_MODEL_BLOB_NAME: undefined,
  MODEL_REFRESH_SECONDS: 3600,
  AZURE_CLIENT_ID: undefined,
  ...over,
});

describe('readBlobIfChanged', () => {
  it('downloads, then answers unchanged for the same ETag, missing for no blob', async () => {
    await upload('etag.json', 'hello');
    const first = await readBlobIfChanged(container, 'etag.json');
    expect(first).toMatchObject({ status: 'changed', text: 'hello' });
    const etag = first.status === 'changed' ? first.etag : '';
    expect(await readBlobIfChanged(container, 'etag.json', etag)).toEqual({ status: 'unchanged' });
    await upload('etag.json', 'hello again');
    expect(await readBlobIfChanged(container, 'etag.json', etag)).toMatchObject({
      text: 'hello again',
    });
    expect(await readBlobIfChanged(container, 'absent.json')).toEqual({ status: 'missing' });
  });
});

describe('createModelSource (blob)', () => {
  it('loads champion and challenger, swaps on a new version, keeps the old one on an invalid file', async () => {
    await upload('champ.json', modelText('1'));
    await upload('chall.json', modelText('c1', { name: 'challenger' }));
    const r = recorder();
    const source = await createModelSource(
      settings({ MODEL_BLOB_NAME: 'champ.json', CHALLENGER_MODEL_BLOB_NAME: 'chall.json' }),
      r,
    );
    const v1 = source.champion();
    expect(v1?.version).toBe('1');
    expect(source.challenger()?.name).toBe('challenger');
    expect(source.status()).toEqual({
      ok: true,
      detail:
        'champion purchase-propensity@1 from blob models/champ.json; challenger challenger@c1 from blob models/chall.json',
    });

    await upload('champ.json', modelText('2'));
    await source.refresh();
    expect(source.champion()?.version).toBe('2');
    expect(r.events.at(-1)).toEqual({
      name: 'ModelLoaded',
      properties: {
        role: 'champion',
        origin: 'blob models/champ.json',
        name: 'purchase-propensity',
        version: '2',
      },
    });

    await upload('champ.json', modelText('3', { featureNames: ['only-one'] }));
    await source.refresh();
    expect(source.champion()?.version).toBe('2');
    expect(r.events.at(-1)).toMatchObject({
      name: 'ModelRejected',
      properties: {
        role: 'champion',
        reason: expect.stringContaining('featureNames has 1 columns') as string,
      },
    });
    const warnings = r.lines.filter((l) => l.startsWith('warn'));
    expect(warnings).toEqual([expect.stringContaining('keeping purchase-propensity@2') as string]);

    await source.refresh(); // same ETag: neither downloaded nor warned about again
    expect(r.lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    expect(v1?.version).toBe('1'); // a scorer already handed out keeps working as it was
    await source.close();
  });

  it('does not swap when a re-upload keeps the version', async () => {
    await upload('same.json', modelText('7'));
    const r = recorder();
    const source = await createModelSource(settings({ MODEL_BLOB_NAME: 'same.json' }), r);
    const before = source.champion();
    await upload('same.json', modelText('7', { description: 'edited' }));
    await source.refresh();
    expect(source.champion()).toBe(before);
    expect(r.events.filter((e) => e.name === 'ModelLoaded')).toHaveLength(1);
    await source.close();
  });

  it('starts without a valid model, reports it, and recovers when one is uploaded', async () => {
    const r = recorder();
    const source = await createModelSource(settings({ MODEL_BLOB_NAME: 'later.json' }), r);
    expect(source.champion()).toBeUndefined();
    expect(source.status()).toEqual({
      ok: false,
      detail: 'champion not loaded: blob models/later.json does not exist',
    });

    await upload('later.json', '{"format": "logistic-regression/v1", "coef": [NaN]}');
    await source.refresh();
    expect(source.status().ok).toBe(false);
    expect(source.status().detail).toContain('NaN and Infinity are not JSON');

    await upload('later.json', modelText('1'));
    await source.refresh();
    expect(source.status().ok).toBe(true);
    expect(source.champion()?.version).toBe('1');
    await source.close();
  });

  it('refreshes on its timer and stops when closed', async () => {
    await upload('timer.json', modelText('1'));
    const source = await createModelSource(
      settings({ MODEL_BLOB_NAME: 'timer.json', MODEL_REFRESH_SECONDS: 0.05 }),
      recorder(),
    );
    await upload('timer.json', modelText('2'));
    await expect.poll(() => source.champion()?.version, { timeout: 5000 }).toBe('2');
    await source.close();
    await upload('timer.json', modelText('3'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(source.champion()?.version).toBe('2');
  });
});
