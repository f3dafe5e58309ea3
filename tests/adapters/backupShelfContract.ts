import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type Manifest, MANIFEST_FILE, MANIFEST_FORMAT } from '../../src/core/backup/manifest.js';
import type { BackupShelf } from '../../src/ports/index.js';

export interface ShelfUnderTest {
  shelf: BackupShelf;
  /** Writes a file in an entry of the parent (a sub-folder, or `<parent>/<entry>/<file>`). */
  put(entry: string, file: string, text: string): Promise<void>;
  /** Writes a file directly in the parent, beside the entries. */
  putLoose(file: string, text: string): Promise<void>;
  /** The files of an entry, sorted; [] once the entry is gone. */
  files(entry: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** A manifest of one Avro file (scores.avro), and store.db when `onlineCopy`. */
export function manifestAt(at: string, onlineCopy = false): Manifest {
  return {
    format: MANIFEST_FORMAT,
    createdAt: at,
    source: { backend: 'sqlite', location: 'store.db' },
    pointInTime: { at, window: { from: at, to: at }, definition: 'test' },
    files: [
      {
        table: 'scores',
        file: 'scores.avro',
        records: 1,
        bytes: 1,
        sha256: 'a'.repeat(64),
        definition: { kind: 'sqlite', sql: 'CREATE TABLE scores (x)', indexes: [] },
      },
    ],
    ...(onlineCopy ? { onlineCopy: { file: 'store.db', bytes: 1, sha256: 'b'.repeat(64) } } : {}),
  };
}

/** The same behaviour from every BackupShelf: only entries with a valid manifest are backups. */
export function backupShelfContract(name: string, open: () => Promise<ShelfUnderTest>): void {
  describe(`BackupShelf contract: ${name}`, () => {
    let t: ShelfUnderTest;
    beforeEach(async () => {
      t = await open();
    });
    afterEach(async () => {
      await t.cleanup();
    });

    const putBackup = async (entry: string, manifest: Manifest) => {
      await t.put(entry, 'scores.avro', 'avro');
      if (manifest.onlineCopy) await t.put(entry, 'store.db', 'sqlite');
      await t.put(entry, MANIFEST_FILE, JSON.stringify(manifest));
    };

    it('lists entries with a valid manifest as backups, every other entry as others', async () => {
      const manifest = manifestAt('2026-10-01T00:00:00.000Z');
      await putBackup('2026-10-01', manifest);
      await t.put('notes', 'readme.txt', 'not a backup');
      await t.put('broken', MANIFEST_FILE, '{"format":"event-scoring-backup/1"}');
      await t.put('garbled', MANIFEST_FILE, 'not json');
      await t.putLoose('loose.txt', 'a file beside the backups');
      const { backups, others } = await t.shelf.list();
      expect(backups).toEqual([{ name: '2026-10-01', manifest }]);
      expect(others.sort()).toEqual(['broken', 'garbled', 'notes']);
    });

    it('lists nothing where nothing is', async () => {
      expect(await t.shelf.list()).toEqual({ backups: [], others: [] });
    });

    it('removes a backup whole, its online copy too, and nothing beside it', async () => {
      await putBackup('a', manifestAt('2026-10-01T00:00:00.000Z', true));
      await putBackup('b', manifestAt('2026-10-02T00:00:00.000Z'));
      const { backups } = await t.shelf.list();
      const left = await t.shelf.remove(backups.find((b) => b.name === 'a')!);
      expect(left).toEqual([]);
      expect(await t.files('a')).toEqual([]);
      expect(await t.files('b')).toEqual(['manifest.json', 'scores.avro']);
      expect((await t.shelf.list()).backups.map((b) => b.name)).toEqual(['b']);
    });

    it('leaves a file its manifest does not list, and says so', async () => {
      await putBackup('a', manifestAt('2026-10-01T00:00:00.000Z'));
      await t.put('a', 'mine.txt', 'an operator note');
      const [backup] = (await t.shelf.list()).backups;
      expect(await t.shelf.remove(backup!)).toEqual(['mine.txt']);
      expect(await t.files('a')).toEqual(['mine.txt']);
      expect((await t.shelf.list()).backups).toEqual([]);
    });

    it('finishes an interrupted removal: listed files already gone', async () => {
      await t.put('a', MANIFEST_FILE, JSON.stringify(manifestAt('2026-10-01T00:00:00.000Z')));
      const [backup] = (await t.shelf.list()).backups;
      expect(await t.shelf.remove(backup!)).toEqual([]);
      expect(await t.files('a')).toEqual([]);
    });
  });
}
