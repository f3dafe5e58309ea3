import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { createSqliteSuppressionStore } from '../../../src/adapters/sqlite/sqliteSuppressionStore.js';
import { suppression, suppressionStoreContract } from '../suppressionStoreContract.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-suppressions-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

suppressionStoreContract('sqlite', async () => {
  const store = createSqliteSuppressionStore(tempFile());
  return { store, cleanup: () => store.close() };
});

describe('createSqliteSuppressionStore', () => {
  it('shares the embedded store file and keeps the list across reopen', async () => {
    const path = tempFile();
    const scores = createSqliteStore(path);
    const first = createSqliteSuppressionStore(path);
    await first.add([suppression('user-a')]);
    await first.close();
    const again = createSqliteSuppressionStore(path);
    expect(await again.list()).toEqual([suppression('user-a')]);
    await again.close();
    await scores.close();
  });
});
