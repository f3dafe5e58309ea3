import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import { backupStore } from '../../src/backup/backupStore.js';
import { restoreStore } from '../../src/backup/restoreStore.js';
import { type Config, loadConfig } from '../../src/config.js';
import { scoredEvent } from '../adapters/storeContract.js';
import { type AzuriteBlob, startAzuriteBlob } from '../support/azurite.js';

let azurite: AzuriteBlob;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-blob-'));
  dirs.push(dir);
  return dir;
};
const configFor = (dataDir: string): Config => {
  const loaded = loadConfig(
    { DATA_DIR: dataDir, BACKUP_BLOB_CONNECTION: azurite.connectionString },
    'local',
  );
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
};

beforeAll(async () => {
  azurite = await startAzuriteBlob();
});
afterAll(async () => {
  await azurite.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('backup to and restore from a Blob URL (Azurite)', () => {
  it('uploads the Avro files and the manifest under the prefix, and restores from them', async () => {
    const source = tempDir();
    const store = createSqliteStore(join(source, 'store.db'));
    const docs = [1, 2, 3].map((i) => scoredEvent('ana', `2026-03-10T0${i}:00:00.000Z`));
    await store.write(docs);
    await store.close();

    const url = `http://127.0.0.1:${azurite.port}/devstoreaccount1/backups/nightly/1`;
    const backup = await backupStore(configFor(source), {
      out: url,
      onlineCopy: true,
      baseDir: source,
    });
    expect(backup).toMatchObject({ ok: true, location: url });

    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient('backups');
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'nightly/1/' }))
      names.push(blob.name);
    expect(names.sort()).toEqual([
      'nightly/1/day_marks.avro',
      'nightly/1/day_users.avro',
      'nightly/1/group_profiles.avro',
      'nightly/1/identity_links.avro',
      'nightly/1/manifest.json',
      'nightly/1/models.avro',
      'nightly/1/profiles.avro',
      'nightly/1/score_days.avro',
      'nightly/1/scores.avro',
      'nightly/1/store.db',
      'nightly/1/store_meta.avro',
      'nightly/1/trend_counts.avro',
      'nightly/1/trend_users.avro',
      'nightly/1/type_days.avro',
      'nightly/1/users.avro',
    ]);

    const restoredDir = tempDir();
    const report = await restoreStore(configFor(restoredDir), { from: url, baseDir: restoredDir });
    expect(report).toMatchObject({ ok: true });
    expect(report.tables).toContainEqual({ table: 'scores', expected: 3, loaded: 3, counted: 3 });
    const restored = createSqliteStore(join(restoredDir, 'store.db'));
    const page = await restored.userScores({ userId: 'ana', limit: 10 });
    await restored.close();
    expect(page.items.map((d) => d.eventId).sort()).toEqual(docs.map((d) => d.eventId).sort());
  });

  it('reports a prefix that holds no finished backup', async () => {
    const dir = tempDir();
    const report = await restoreStore(configFor(dir), {
      from: `http://127.0.0.1:${azurite.port}/devstoreaccount1/backups/nothing-here`,
      baseDir: dir,
    });
    expect(report).toMatchObject({ ok: false, stage: 'check' });
  });
});
