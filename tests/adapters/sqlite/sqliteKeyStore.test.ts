import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqliteKeyStore } from '../../../src/adapters/sqlite/sqliteKeyStore.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { keyRecord, keyStoreContract } from '../keyStoreContract.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-keys-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

keyStoreContract('sqlite', async () => {
  const store = createSqliteKeyStore(tempFile());
  return { store, cleanup: () => store.close() };
});

describe('createSqliteKeyStore', () => {
  it('shares the embedded store file and keeps keys across reopen', async () => {
    const path = tempFile();
    const scores = createSqliteStore(path);
    const first = createSqliteKeyStore(path);
    const record = keyRecord();
    await first.put(record);
    await first.close();
    const again = createSqliteKeyStore(path);
    expect(await again.get(record.keyId)).toEqual(record);
    await again.close();
    await scores.close();
  });
});
