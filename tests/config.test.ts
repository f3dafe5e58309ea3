import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadConfig, settingsSchema } from '../src/config.js';

const example = (
  JSON.parse(readFileSync('local.settings.example.json', 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;

describe('loadConfig', () => {
  it('runs locally on defaults alone', () => {
    const loaded = loadConfig({}, 'local');
    expect(loaded).toMatchObject({
      ok: true,
      config: {
        PORT: 7071,
        QUEUE_BACKEND: 'local',
        STORE_BACKEND: 'sqlite',
        MODEL_PATH: 'models/default.json',
      },
    });
  });

  it('lists every setting in local.settings.example.json, and the example loads', () => {
    expect(Object.keys(settingsSchema.shape).filter((key) => !(key in example))).toEqual([]);
    expect(loadConfig(example, 'local').ok).toBe(true);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ QUEUE_BACKEND: '', PORT: ' ' }, 'local')).toMatchObject({
      ok: true,
      config: { QUEUE_BACKEND: 'local', PORT: 7071 },
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /^Setting PORT is invalid \("eighty"\)/],
    [{ PORT: '70000' }, /^Setting PORT .*at most 65535/],
    [{ QUEUE_BACKEND: 'kafka' }, /^Setting QUEUE_BACKEND is invalid/],
    [{ COSMOS_ENDPOINT: 'not a url' }, /^Setting COSMOS_ENDPOINT is invalid/],
    [{ SERVICEBUS_QUEUE_NAME: 'bad name!' }, /^Setting SERVICEBUS_QUEUE_NAME/],
    [{ STORE_BACKEND: 'cosmos' }, /^Setting COSMOS_ENDPOINT is missing/],
    [{ MODEL_BLOB_NAME: 'champion.json' }, /^Setting MODEL_BLOB_ACCOUNT_URL is missing/],
    [{ RATE_LIMIT_WRITE_BURST: '500' }, /^Setting RATE_LIMIT_WRITE_BURST .*at least 1000/],
    [{ API_KEY_CACHE_SECONDS: '-1' }, /^Setting API_KEY_CACHE_SECONDS .*at least 0/],
    [{ REDIS_URL: 'http://cache:6379' }, /^Setting REDIS_URL is invalid/],
    [{ REDIS_HOST: 'r.redis.azure.net' }, /^Setting REDIS_PRINCIPAL_ID is missing/],
  ])('stops on %o with one message naming the setting', (env, message) => {
    const loaded = loadConfig(env, 'local');
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.message).toMatch(message);
  });

  it('requires the Service Bus namespace and the Cosmos endpoint on Azure', () => {
    const base = {
      ServiceBusConnection__fullyQualifiedNamespace: 'sb-x.servicebus.windows.net',
      COSMOS_ENDPOINT: 'https://cosmos-x.documents.azure.com:443/',
      ARCHIVE_BLOB_ACCOUNT_URL: 'https://stx.blob.core.windows.net/',
      EVENT_FILES_BLOB_ACCOUNT_URL: 'https://stx.blob.core.windows.net/',
    };
    expect(loadConfig(base, 'azure')).toMatchObject({
      ok: true,
      config: {
        QUEUE_BACKEND: 'servicebus',
        STORE_BACKEND: 'cosmos',
        COSMOS_CREATE_IF_MISSING: false,
      },
    });
    const noNamespace = loadConfig({ COSMOS_ENDPOINT: base.COSMOS_ENDPOINT }, 'azure');
    expect(!noNamespace.ok && noNamespace.message).toMatch(
      /ServiceBusConnection__fullyQualifiedNamespace is missing/,
    );
    const noCosmos = loadConfig({ ServiceBusConnection__fullyQualifiedNamespace: 'x' }, 'azure');
    expect(!noCosmos.ok && noCosmos.message).toMatch(/COSMOS_ENDPOINT is missing/);
  });

  it('archives to a folder locally and to Blob on Azure, which needs an account', () => {
    const local = loadConfig({}, 'local');
    expect(local.ok && local.config.ARCHIVE_BACKEND).toBe('folder');
    const base = {
      ServiceBusConnection__fullyQualifiedNamespace: 'sb-x.servicebus.windows.net',
      COSMOS_ENDPOINT: 'https://cosmos-x.documents.azure.com:443/',
    };
    const noAccount = loadConfig(base, 'azure');
    expect(!noAccount.ok && noAccount.message).toMatch(
      /^Setting ARCHIVE_BLOB_ACCOUNT_URL is missing/,
    );
    const bad = loadConfig({ ARCHIVE_BLOB_ACCOUNT_URL: 'not a url' }, 'local');
    expect(!bad.ok && bad.message).toMatch(/^Setting ARCHIVE_BLOB_ACCOUNT_URL is invalid/);
  });
});
