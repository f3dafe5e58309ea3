import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterEach, describe, expect, it } from 'vitest';

import { createFolderArchive } from '../../../src/adapters/archive/folderArchive.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { loadConfig } from '../../../src/config.js';
import { toArchivedEvent } from '../../../src/core/archive/archivedEvent.js';
import { createDataRetentionHandler } from '../../../src/functions/retention/dataRetention.js';
import { scoredEvent } from '../../adapters/storeContract.js';
import { quietLogger } from '../../support/localHost.js';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'retention-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const config = (env: Record<string, string>) => {
  const loaded = loadConfig({ DATA_DIR: temp(), ...env }, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
};

// now = 2026-03-31T12:00Z; 30 days back is 2026-03-01T12:00Z: days before 2026-03-01 expire.
const NOW = Date.parse('2026-03-31T12:00:00.000Z');

describe('the dataRetention timer on the embedded store and the folder archive', () => {
  it('removes expired days from the store and hours from the archive; rollups and user rows stay', async () => {
    const dir = temp();
    const store = createSqliteStore(join(dir, 'store.db'));
    const archive = createFolderArchive(join(dir, 'archive'));
    const old = Array.from({ length: 2500 }, (_, i) =>
      scoredEvent(`u${i % 7}`, `2026-02-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00.000Z`),
    );
    const edge = scoredEvent('u1', '2026-02-28T23:59:59.999Z');
    const kept = [
      scoredEvent('u1', '2026-03-01T00:00:00.000Z'),
      scoredEvent('u8', '2026-03-30T10:00:00.000Z'),
    ];
    const docs = [...old, edge, ...kept];
    await store.write(docs);
    await archive.append(docs.map((d) => toArchivedEvent(d)));
    const dauBefore = await store.dailyActiveUsers('2026-02-01', '2026-03-31');
    const typesBefore = await store.eventsByType('2026-02-01', '2026-03-31');

    const run = createDataRetentionHandler({
      config: config({ DATA_RETENTION_DAYS: '30' }),
      store,
      archive,
      logger: quietLogger,
      now: () => NOW,
    });
    await run();

    const db = new DatabaseSync(join(dir, 'store.db'));
    const left = db.prepare('SELECT event_id FROM scores ORDER BY event_id').all() as {
      event_id: string;
    }[];
    expect(left.map((r) => r.event_id)).toEqual(kept.map((d) => d.eventId).sort());
    // Per-user rows are kept as aggregates: u0..u6 are still known though their events are gone.
    expect((db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n).toBe(8);
    db.close();
    // Rollups are aggregates and stay: the figures over the expired days are unchanged.
    expect(await store.dailyActiveUsers('2026-02-01', '2026-03-31')).toEqual(dauBefore);
    expect(await store.eventsByType('2026-02-01', '2026-03-31')).toEqual(typesBefore);
    expect((await store.userScores({ userId: 'u2', limit: 10 })).items).toEqual([]);

    expect(await archive.list('2026/02/28/23/')).toEqual([]);
    expect(await archive.list('2026/02/01/10/')).toEqual([]);
    // 2026-03-01T00:00Z is before the cut-off hour (12:00) of the archive, by receipt: gone too.
    expect(await archive.list('2026/03/01/00/')).toEqual([]);
    expect(await archive.list('2026/03/30/10/')).toHaveLength(1);
    await store.close();
  });

  it('does nothing while DATA_RETENTION_DAYS is unset (keep forever)', async () => {
    const dir = temp();
    const store = createSqliteStore(join(dir, 'store.db'));
    const archive = createFolderArchive(join(dir, 'archive'));
    const doc = scoredEvent('u1', '2001-01-01T00:00:00.000Z');
    await store.write([doc]);
    await archive.append([toArchivedEvent(doc)]);
    await createDataRetentionHandler({
      config: config({}),
      store,
      archive,
      logger: quietLogger,
      now: () => NOW,
    })();
    expect((await store.userScores({ userId: 'u1', limit: 10 })).items).toHaveLength(1);
    expect(await archive.list('2001/01/01/00/')).toHaveLength(1);
    await store.close();
  });

  it('deletes in bounded batches through the day index', async () => {
    const dir = temp();
    const store = createSqliteStore(join(dir, 'store.db'));
    await store.write(
      Array.from({ length: 25 }, () => scoredEvent('u1', '2026-01-05T10:00:00.000Z')),
    );
    expect(await store.expireDaysBefore!('2026-01-06', 10)).toEqual({ removed: 10, more: true });
    expect(await store.expireDaysBefore!('2026-01-06', 10)).toEqual({ removed: 10, more: true });
    expect(await store.expireDaysBefore!('2026-01-06', 10)).toEqual({ removed: 5, more: false });
    expect(await store.expireDaysBefore!('2026-01-05', 10)).toEqual({ removed: 0, more: false });
    await store.close();
    const db = new DatabaseSync(join(dir, 'store.db'));
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT event_id FROM scores WHERE json_extract(doc, '$.day') < ? ORDER BY json_extract(doc, '$.day'), event_id LIMIT 10",
      )
      .all('2026-01-06') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('scores_by_day');
    db.close();
  });
});

describe('DATA_RETENTION_DAYS', () => {
  it('is unset by default and refuses a bad value naming the setting', () => {
    expect(config({}).DATA_RETENTION_DAYS).toBeUndefined();
    expect(config({ DATA_RETENTION_DAYS: '' }).DATA_RETENTION_DAYS).toBeUndefined();
    expect(config({ DATA_RETENTION_DAYS: '90' }).DATA_RETENTION_DAYS).toBe(90);
    for (const bad of ['0', '-3', '1.5', 'forever']) {
      const loaded = loadConfig({ DATA_RETENTION_DAYS: bad }, 'local');
      expect(loaded.ok).toBe(false);
      if (!loaded.ok) expect(loaded.message).toContain('DATA_RETENTION_DAYS');
    }
  });
});
