import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRoot } from '../../../src/appRoot.js';
import { backupCommand } from '../../../src/commands/backup/backupCommand.js';
import type { CommandIo } from '../../../src/commands/commandIo.js';
import { keysCommand } from '../../../src/commands/keys/keysCommand.js';
import { restoreCommand } from '../../../src/commands/restore/restoreCommand.js';
import type { LocalHost } from '../../../src/local/startLocalHost.js';
import type { AuditRecord } from '../../../src/ports/index.js';
import { startTestHost } from '../../support/localHost.js';

async function inProcess(
  command: (args: readonly string[], io: CommandIo) => Promise<number>,
  env: Record<string, string>,
  args: readonly string[],
) {
  let stdout = '';
  let stderr = '';
  const code = await command(args, {
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
    env,
    baseDir: appRoot(),
    tty: false,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
const secretIn = (stdout: string) => /^esk_[\w-]+$/m.exec(stdout)?.[0];
const keyIdIn = (stdout: string) => /\(keyId ([0-9a-f]+)\)/.exec(stdout)?.[1];

const MARKER = 'secret-event-body-marker-7731';

describe('the audit log through the keys command and the local host', () => {
  let dataDir: string;
  let host: LocalHost & { removeData(): void };
  const secrets: string[] = [];
  let adminKey: string;
  let adminKeyId: string;
  let writeKey: string;
  let writeKeyId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scoring-audit-'));
    const env = { DATA_DIR: dataDir };
    const admin = await inProcess(keysCommand, env, [
      'create',
      '--scope',
      'admin',
      '--name',
      'ops',
    ]);
    expect(admin.code).toBe(0);
    adminKey = secretIn(admin.stdout)!;
    adminKeyId = keyIdIn(admin.stdout)!;
    const write = await inProcess(keysCommand, env, [
      'create',
      '--scope',
      'write',
      '--name',
      'app',
    ]);
    writeKeyId = keyIdIn(write.stdout)!;
    const rotated = await inProcess(keysCommand, env, ['rotate', 'app']);
    expect(rotated.code).toBe(0);
    writeKey = secretIn(rotated.stdout)!;
    const spare = await inProcess(keysCommand, env, ['create', '--scope', 'read', '--name', 'old']);
    const spareId = keyIdIn(spare.stdout)!;
    expect((await inProcess(keysCommand, env, ['revoke', 'old'])).code).toBe(0);
    secrets.push(adminKey, secretIn(write.stdout)!, writeKey, secretIn(spare.stdout)!);
    expect(spareId).toBeDefined();
    host = await startTestHost({ API_KEY_CACHE_SECONDS: '0' }, dataDir);
  });
  afterAll(async () => {
    await host?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, key = adminKey) =>
    fetch(`${host.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('records key actions as cli and suppressions with the admin key id, newest first, with no secret or event data', async () => {
    const post = (path: string, body: unknown, key: string) =>
      fetch(`${host.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ingest = await post(
      '/api/events',
      {
        events: [
          {
            userId: 'audited-user',
            type: 'view',
            occurredAt: new Date(Date.now() - 60_000).toISOString(),
            properties: { note: MARKER },
          },
        ],
      },
      writeKey,
    );
    expect(ingest.status).toBe(202);
    expect(
      (await post('/api/privacy/suppressions', { userIds: ['audited-user'] }, adminKey)).status,
    ).toBe(200);
    const lift = await fetch(`${host.url}/api/privacy/suppressions/audited-user`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(lift.status).toBe(204);

    const res = await get('/api/audit');
    expect(res.status).toBe(200);
    const text = await res.text();
    const page = JSON.parse(text) as { items: AuditRecord[]; cursor: string | null };
    expect(page.items.map((r) => [r.action, r.actor])).toEqual([
      ['suppression.lift', adminKeyId],
      ['suppression.add', adminKeyId],
      ['key.revoke', 'cli'],
      ['key.create', 'cli'],
      ['key.rotate', 'cli'],
      ['key.create', 'cli'],
      ['key.create', 'cli'],
    ]);
    expect(page.items[0]?.target).toBe('audited-user');
    expect(page.items[4]?.target).toBe(writeKeyId);
    expect(page.cursor).toBeNull();
    for (const r of page.items)
      expect(Object.keys(r).sort()).toEqual(['action', 'actor', 'at', 'id', 'target']);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('esk_');
    expect(text).not.toContain(MARKER);
  });

  it('pages with limit and cursor, and refuses bad parameters and other scopes', async () => {
    const all = ((await (await get('/api/audit?limit=1000')).json()) as { items: AuditRecord[] })
      .items;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await get(`/api/audit?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      ).json()) as { items: AuditRecord[]; cursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.cursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.map((r) => r.id));
    expect((await get('/api/audit?limit=0')).status).toBe(400);
    const bad = await get('/api/audit?cursor=nope');
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { errors: { path: string }[] } }).error.errors[0]?.path,
    ).toBe('cursor');
    expect((await get('/api/audit', writeKey)).status).toBe(403);
    expect((await fetch(`${host.url}/api/audit`)).status).toBe(401);
  });

  it('records a restore as cli, with the backup location', async () => {
    const backupDir = join(dataDir, '..', `${dataDir.split('/').pop()}-backup`);
    const restoredDir = mkdtempSync(join(tmpdir(), 'scoring-audit-restored-'));
    try {
      const backup = await inProcess(backupCommand, { DATA_DIR: dataDir }, ['--out', backupDir]);
      expect(backup.code, backup.stderr).toBe(0);
      const restore = await inProcess(restoreCommand, { DATA_DIR: restoredDir }, [
        '--from',
        backupDir,
      ]);
      expect(restore.code, restore.stderr).toBe(0);
      const { createSqliteAuditLog } =
        await import('../../../src/adapters/sqlite/sqliteAuditLog.js');
      const log = createSqliteAuditLog(join(restoredDir, 'audit.db'));
      const page = await log.list({ limit: 10 });
      await log.close();
      expect(page.items.map((r) => [r.action, r.actor, r.target])).toEqual([
        ['restore', 'cli', backupDir],
      ]);
    } finally {
      rmSync(backupDir, { recursive: true, force: true });
      rmSync(restoredDir, { recursive: true, force: true });
    }
  });
});
