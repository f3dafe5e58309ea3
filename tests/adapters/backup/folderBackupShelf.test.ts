import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { folderBackupShelf } from '../../../src/adapters/backup/folderBackupShelf.js';
import { backupShelfContract } from '../backupShelfContract.js';

backupShelfContract('folder', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'backup-shelf-'));
  return {
    shelf: folderBackupShelf(parent),
    async put(entry, file, text) {
      mkdirSync(join(parent, entry), { recursive: true });
      writeFileSync(join(parent, entry, file), text);
    },
    async putLoose(file, text) {
      writeFileSync(join(parent, file), text);
    },
    async files(entry) {
      const dir = join(parent, entry);
      return existsSync(dir) ? readdirSync(dir).sort() : [];
    },
    async cleanup() {
      rmSync(parent, { recursive: true, force: true });
    },
  };
});
