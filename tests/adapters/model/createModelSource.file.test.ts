import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  createModelSource,
  type ModelSettings,
} from '../../../src/adapters/model/createModelSource.js';
import { recorder } from '../../support/recorder.js';

const settings = (over: Partial<ModelSettings> = {}): ModelSettings => ({
  MODEL_PATH: 'models/default.json',
  CHALLENGER_MODEL_PATH: undefined,
  MODEL_BLOB_ACCOUNT_URL: undefined,
  MODEL_BLOB_CONNECTION: undefined,
  MODEL_BLOB_CONTAINER: 'models',
  MODEL_BLOB_NAME: undefined,
  CHALLENGER_MODEL_BLOB_NAME: undefined,
  AZURE_CLIENT_ID: undefined,
  MODEL_REFRESH_SECONDS: 60,
  ...over,
});

const shipped = readFileSync(new URL('../../../models/default.json', import.meta.url), 'utf8');

describe('createModelSource (files)', () => {
  it('loads the shipped default model relative to the package root', async () => {
    const r = recorder();
    const source = await createModelSource(settings(), r);
    const champion = source.champion();
    expect(champion?.name).toBe('purchase-propensity');
    expect(source.challenger()).toBeUndefined();
    expect(source.status()).toEqual({
      ok: true,
      detail: expect.stringContaining('champion purchase-propensity@') as string,
    });
    expect(r.events.map((e) => e.name)).toEqual(['ModelLoaded']);
    await source.close();
  });

  it('resolves paths against baseDir and loads a challenger beside the champion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    const challenger = { ...(JSON.parse(shipped) as object), name: 'challenger-x', version: '9' };
    writeFileSync(join(dir, 'champ.json'), shipped);
    writeFileSync(join(dir, 'chall.json'), JSON.stringify(challenger));
    const source = await createModelSource(
      settings({ MODEL_PATH: 'champ.json', CHALLENGER_MODEL_PATH: 'chall.json' }),
      { ...recorder(), baseDir: dir },
    );
    expect(source.challenger()?.name).toBe('challenger-x');
    expect(source.status().detail).toContain('challenger challenger-x@9');
    await source.close();
  });

  it('reports a missing or invalid champion without throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ ...(JSON.parse(shipped) as object), scaler: { mean_: [1], scale_: [1] } }),
    );
    const r = recorder();
    const missing = await createModelSource(settings({ MODEL_PATH: 'nope.json' }), {
      ...r,
      baseDir: dir,
    });
    expect(missing.champion()).toBeUndefined();
    expect(missing.status()).toEqual({
      ok: false,
      detail: expect.stringContaining('nope.json does not exist') as string,
    });

    const bad = await createModelSource(settings({ MODEL_PATH: 'bad.json' }), {
      ...r,
      baseDir: dir,
    });
    expect(bad.champion()).toBeUndefined();
    expect(bad.status().ok).toBe(false);
    expect(bad.status().detail).toContain('scaler.mean_ has 1 values but featureNames has 20');
    expect(r.events).toEqual([
      {
        name: 'ModelRejected',
        properties: expect.objectContaining({ role: 'champion' }) as object,
      },
    ]);
    expect(r.lines.filter((l) => l.startsWith('warn'))).toHaveLength(2);
  });
});
