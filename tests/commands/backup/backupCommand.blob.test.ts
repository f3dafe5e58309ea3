import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { backupCommand } from '../../../src/commands/backup/backupCommand.js';
import { scoredEvent } from '../../adapters/storeContract.js';
import { type AzuriteBlob, startAzuriteBlob } from '../../support/azurite.js';

const DAY = 86_400_000;
let azurite: AzuriteBlob;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  azurite = await startAzuriteBlob();
  root = mkdtempSync(join(tmpdir(), 'backup-retention-blob-'));
  env = {
    DATA_DIR: join(root, 'data'),
    BACKUP_BLOB_CONNECTION: azurite.connectionString,
    BACKUP_RETENTION_DAYS: '30',
  };
  mkdirSync(env.DATA_DIR!);
  const store = createSqliteStore(join(env.DATA_DIR!, 'store.db'));
  await store.write([scoredEvent('ana', '2026-11-01T10:00:00.000Z')]);
  await store.close();
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await backupCommand(args, {
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
    env,
    baseDir: root,
    tty: false,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** Moves the point in time of the backup under `prefix` `days` into the past. */
async function age(container: ContainerClient, prefix: string, days: number): Promise<void> {
  const blob = container.getBlockBlobClient(`${prefix}/manifest.json`);
  const manifest = JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as {
    pointInTime: { at: string };
  };
  manifest.pointInTime.at = new Date(Date.now() - days * DAY).toISOString();
  const text = JSON.stringify(manifest);
  await blob.upload(text, Buffer.byteLength(text));
}

async function names(container: ContainerClient): Promise<string[]> {
  const out: string[] = [];
  for await (const blob of container.listBlobsFlat()) out.push(blob.name);
  return out.sort();
}

/** A container with backups aged 65, 34 and 15 days under `parent`, and blobs that are not ours. */
async function shelfWithBackups(name: string, parent: string) {
  const container = BlobServiceClient.fromConnectionString(
    azurite.connectionString,
  ).getContainerClient(name);
  const url = (backup: string) =>
    `http://127.0.0.1:${azurite.port}/devstoreaccount1/${name}/${parent}${backup}`;
  for (const [backup, days] of [
    ['old', 65],
    ['older', 34],
    ['recent', 15],
  ] as const) {
    const taken = await run(['--out', url(backup), '--keep-all']);
    expect(taken.code, taken.stderr).toBe(0);
    await age(container, `${parent}${backup}`, days);
  }
  for (const foreign of [`${parent}notes/readme.txt`, `${parent}other/manifest.json`]) {
    await container.getBlockBlobClient(foreign).upload('{}', 2);
  }
  return { container, url };
}

describe('backup command: retention on Blob (Azurite)', () => {
  it('removes the expired backups beside the new one under the parent prefix, and nothing else', async () => {
    const { container, url } = await shelfWithBackups('retention-nested', 'nightly/');
    const outside = container.getBlockBlobClient('elsewhere/manifest.json');
    await outside.upload('{}', 2);
    const { code, stdout, stderr } = await run(['--out', url('new')]);
    expect(code, stderr).toBe(0);
    const left = await names(container);
    expect(
      left.filter((n) => n.startsWith('nightly/old/') || n.startsWith('nightly/older/')),
    ).toEqual([]);
    expect(left).toContain('nightly/recent/manifest.json');
    expect(left).toContain('nightly/recent/scores.avro');
    expect(left).toContain('nightly/new/manifest.json');
    expect(left).toContain('nightly/notes/readme.txt');
    expect(left).toContain('nightly/other/manifest.json');
    expect(left).toContain('elsewhere/manifest.json');
    expect(stdout).toContain('Removed expired backup retention-nested/nightly/old (as of');
    expect(stdout).toMatch(/removed 2 backup\(s\) from retention-nested\/nightly\/, kept 2/);
  });

  it('prunes the top level of the container for a backup one level down', async () => {
    const { container, url } = await shelfWithBackups('retention-top', '');
    const { code, stderr } = await run(['--out', url('new')]);
    expect(code, stderr).toBe(0);
    const prefixes = new Set((await names(container)).map((n) => n.split('/')[0]));
    expect([...prefixes].sort()).toEqual(['new', 'notes', 'other', 'recent']);
  });

  it('looks at no other backup for a backup at the root of a container', async () => {
    const { container } = await shelfWithBackups('retention-root', '');
    const before = await names(container);
    const url = `http://127.0.0.1:${azurite.port}/devstoreaccount1/retention-root`;
    const { code, stdout, stderr } = await run(['--out', url]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('No earlier backups to look at: the backup is at the root');
    const after = await names(container);
    expect(after.filter((n) => n.includes('/'))).toEqual(before);
    expect(after).toContain('manifest.json');
  });

  it('removes nothing with --keep-all', async () => {
    const { container, url } = await shelfWithBackups('retention-keep', '');
    const before = await names(container);
    const { code } = await run(['--out', url('new'), '--keep-all']);
    expect(code).toBe(0);
    const after = await names(container);
    expect(after.filter((n) => !n.startsWith('new/'))).toEqual(before);
  });
});
