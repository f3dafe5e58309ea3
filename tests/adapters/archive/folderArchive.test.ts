import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createFolderArchive } from '../../../src/adapters/archive/folderArchive.js';
import { archiveContract, archivedEvent } from '../archiveContract.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'archive-'));

archiveContract('folder', async () => {
  const root = fresh();
  return {
    archive: createFolderArchive(root),
    async putRaw(name, data) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), data);
    },
    async rawUnder(prefix) {
      const dir = join(root, prefix);
      const names = existsSync(dir) ? readdirSync(dir).sort() : [];
      return new Map(names.map((n) => [`${prefix}${n}`, readFileSync(join(dir, n))]));
    },
    async cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
});

describe('createFolderArchive', () => {
  it('leaves no temp file behind and ignores one a crash left', async () => {
    const root = fresh();
    const archive = createFolderArchive(root);
    await archive.append([archivedEvent('2026-04-01T00:00:00.000Z')]);
    const hour = join(root, '2026/04/01/00');
    expect(readdirSync(hour).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    writeFileSync(join(hour, 'half.ndjson.gz.tmp'), 'partial');
    expect(await archive.list('2026/04/01/00/')).toHaveLength(1);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('createFolderArchive rewriteHour', () => {
  it('removes the temp files a crash left in the hour (they may hold the lines), not fresh ones', async () => {
    const root = fresh();
    const archive = createFolderArchive(root);
    await archive.append([archivedEvent('2026-04-01T00:00:00.000Z', { userId: 'gone' })]);
    const hour = join(root, '2026/04/01/00');
    writeFileSync(join(hour, 'old.ndjson.gz.tmp'), 'gone');
    const longAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(hour, 'old.ndjson.gz.tmp'), longAgo, longAgo);
    writeFileSync(join(hour, 'writing.ndjson.gz.tmp'), 'in progress');
    expect(await archive.rewriteHour('2026/04/01/00/', (e) => e.userId === 'gone')).toEqual({
      objects: 1,
      lines: 1,
    });
    expect(readdirSync(hour)).toEqual(['writing.ndjson.gz.tmp']);
    rmSync(root, { recursive: true, force: true });
  });
});
