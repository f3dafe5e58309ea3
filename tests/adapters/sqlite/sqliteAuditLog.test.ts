import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqliteAuditLog } from '../../../src/adapters/sqlite/sqliteAuditLog.js';
import { auditLogContract, auditRecord } from '../auditLogContract.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-audit-'));
  dirs.push(dir);
  return join(dir, 'audit.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

auditLogContract('sqlite', async () => {
  const log = createSqliteAuditLog(tempFile());
  return { log, cleanup: () => log.close() };
});

describe('createSqliteAuditLog', () => {
  it('refuses an UPDATE or DELETE even through SQL', async () => {
    const path = tempFile();
    const log = createSqliteAuditLog(path);
    await log.append([auditRecord(1)]);
    const db = new DatabaseSync(path);
    expect(() => db.exec("UPDATE audit_log SET doc = '{}'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    db.close();
    expect((await log.list({ limit: 5 })).items).toEqual([auditRecord(1)]);
    await log.close();
  });
});
