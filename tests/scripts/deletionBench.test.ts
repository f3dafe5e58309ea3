import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildDeletionStore } from '../../scripts/bench/buildDeletionStore.js';
import {
  benchDeletion,
  countDocuments,
  deletionBenchOptions,
  formatDeletionBench,
} from '../../scripts/bench/deletion.js';
import { createFolderArchive } from '../../src/adapters/archive/folderArchive.js';
import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import type { ArchivedEvent } from '../../src/core/archive/archivedEvent.js';
import { archiveHoursBetween } from '../../src/core/archive/archiveHour.js';

/** Every archived event of the data folder, hour by hour over the last `days` days. */
async function archivedEvents(dataDir: string, days: number): Promise<ArchivedEvent[]> {
  const archive = createFolderArchive(join(dataDir, 'archive'));
  const now = Date.now();
  const hours = archiveHoursBetween(
    new Date(now - (days + 1) * 86_400_000).toISOString(),
    new Date(now + 3_600_000).toISOString(),
  );
  const events: ArchivedEvent[] = [];
  for (const hour of hours)
    for (const name of await archive.list(hour)) events.push(...(await archive.read(name)).events);
  return events;
}

describe('buildDeletionStore', () => {
  it('writes the documents, the links of each target person and the same events to the archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deletion-store-'));
    try {
      const built = await buildDeletionStore(dir, {
        events: 2000,
        targetEvents: 200,
        targets: 2,
        days: 3,
        now: Date.now(),
      });
      expect(built.targets.map((t) => t.userId)).toEqual(['target-1', 'target-2']);
      expect(countDocuments(dir, built.targets[0]!.ids)).toBe(200);
      expect(countDocuments(dir, built.targets[1]!.ids)).toBe(200);
      expect(built.links).toBeGreaterThanOrEqual(4);
      const store = createSqliteStore(join(dir, 'store.db'), { timeZone: 'UTC' });
      try {
        const person = await store.identity.person('target-1');
        expect(person.linkedIds.sort()).toEqual(['anon:target-1-a', 'anon:target-1-b']);
      } finally {
        await store.close();
      }
      const archived = await archivedEvents(dir, 3);
      expect(archived).toHaveLength(2000);
      expect(archived.filter((e) => built.targets[0]!.ids.includes(e.userId))).toHaveLength(200);
      // One object per hour per scorer batch: more objects than hours the data covers.
      expect(built.archiveObjects).toBeGreaterThanOrEqual(72);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('benchDeletion', () => {
  it('reads its sizes from the bench arguments', () => {
    expect(
      deletionBenchOptions([
        '--only=deletion',
        '--deletion-events=2000',
        '--deletion-target-events=200',
      ]),
    ).toEqual({ events: 2000, targetEvents: 200 });
    expect(deletionBenchOptions([])).toEqual({});
  });

  // Runs the built host and `event-scoring delete` (bin/event-scoring.js rebuilds dist/ when stale).
  it('deletes the target persons through the real path and reports positive figures', async () => {
    const result = await benchDeletion({
      events: 2000,
      targetEvents: 200,
      days: 3,
      ingest: { seconds: 1, cycleEvents: 1000 },
      keep: true,
    });
    try {
      const d = result.deletion;
      expect(d.removed.documents).toBe(200);
      expect(d.removed.identityLinks).toBe(2);
      expect(d.remainingDocuments).toBe(0);
      expect(countDocuments(result.dataDir, result.store.targets[0]!.ids)).toBe(0);
      const archived = await archivedEvents(result.dataDir, 3);
      const ids = new Set([...result.store.targets[0]!.ids, ...result.store.targets[1]!.ids]);
      expect(archived.filter((e) => ids.has(e.userId))).toEqual([]);
      expect(d.removed.archiveLines).toBe(200);
      for (const figure of [
        result.buildSeconds,
        d.seconds,
        d.requestMs,
        d.removed.storeRequests,
        d.removed.archiveObjects,
        d.archiveObjectsWritten,
        d.archiveBytesWritten,
        d.ledgerSaves,
        d.stepMs.store ?? 0,
        d.stepMs.archive ?? 0,
      ])
        expect(figure).toBeGreaterThan(0);

      const i = result.ingest!;
      expect(i.deletionRemoved.documents).toBe(200);
      expect(i.remainingDocuments).toBe(0);
      for (const p of [i.before, i.during, i.after]) {
        expect(p.events).toBeGreaterThan(0);
        expect(p.acceptedPerSecond).toBeGreaterThan(0);
        expect(p.storedPerSecond).toBeGreaterThan(0);
      }
      expect(i.acceptedRatio).toBeGreaterThan(0);
      expect(i.storedRatio).toBeGreaterThan(0);
      expect(i.deletionSeconds).toBeGreaterThan(0);
      expect(i.deletionStepMs.archive).toBeGreaterThan(0);
      const text = formatDeletionBench(result);
      expect(text).toContain('one person with 200 events');
      expect(text).toContain('0 of the person');
    } finally {
      rmSync(result.dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
