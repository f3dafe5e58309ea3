import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createFolderArchive } from '../../src/adapters/archive/folderArchive.js';
import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import { toArchivedEvent } from '../../src/core/archive/archivedEvent.js';
import type { ScoredEvent } from '../../src/core/event.js';
import { utcDay } from '../../src/core/time/calendarDay.js';

export interface ArchiveBench {
  events: number;
  /** Archive append alone over store write alone, same batches. */
  archiveToStoreRatio: number;
  /** A batch as the scorer writes it (store and archive side by side) over the store write alone. */
  scorerBatchRatio: number;
  archiveEventsPerSecond: number;
  gzipBytesPerEvent: number;
}

/**
 * What archiving adds to a scorer batch, batch by batch in one run: the folder archive's append
 * (JSON, gzip, write, fsync, rename) and the embedded store's write of the same kind of documents
 * alone, then both side by side as the scorer does them, alternating.
 */
export async function benchArchive(batches = 50, batchSize = 1000): Promise<ArchiveBench> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-archive-'));
  const archive = createFolderArchive(join(dir, 'archive'));
  const store = createSqliteStore(join(dir, 'store.db'));
  const now = Date.now();
  let archiveMs = 0;
  let storeMs = 0;
  let storeOnlyMs = 0;
  let bothMs = 0;
  try {
    for (let b = 0; b < batches; b++) {
      const docs: ScoredEvent[] = Array.from({ length: batchSize }, (_, i) => {
        const at = new Date(now - i * 1000).toISOString();
        return {
          eventId: randomUUID(),
          userId: `user-${(b * batchSize + i) % 5000}`,
          type: i % 7 === 0 ? 'purchase' : 'page_view',
          occurredAt: at,
          receivedAt: new Date(now).toISOString(),
          amount: i % 7 === 0 ? 20 + (i % 13) : undefined,
          properties: { device: i % 2 ? 'mobile' : 'desktop', plan: 'pro' },
          source: 'bench',
          day: utcDay(at),
          score: 0.3,
          model: { name: 'bench', version: '1' },
          reasons: [{ feature: 'amount', contribution: 0.2 }],
          scoredAt: new Date(now).toISOString(),
        };
      });
      const half = docs.length / 2;
      const first = docs.slice(0, half);
      const second = docs.slice(half);
      const archived = (batch: ScoredEvent[]) =>
        batch.map((d) =>
          toArchivedEvent(d, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
        );
      // Alternate which half goes first so neither gets the warmer cache.
      const [plain, paired] = b % 2 ? [first, second] : [second, first];
      const s0 = performance.now();
      await store.write(plain.map((d) => ({ ...d, eventId: randomUUID() })));
      const s1 = performance.now();
      await Promise.all([
        store.write(paired.map((d) => ({ ...d, eventId: randomUUID() }))),
        archive.append(archived(paired)),
      ]);
      const s2 = performance.now();
      storeOnlyMs += s1 - s0;
      bothMs += s2 - s1;
      const t0 = performance.now();
      await archive.append(
        docs.map((d) =>
          toArchivedEvent(d, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
        ),
      );
      const t1 = performance.now();
      await store.write(docs);
      const t2 = performance.now();
      archiveMs += t1 - t0;
      storeMs += t2 - t1;
    }
    const bytes = readdirSync(join(dir, 'archive'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ndjson.gz'))
      .reduce((sum, f) => sum + statSync(join(dir, 'archive', f)).size, 0);
    const events = batches * batchSize;
    const archivedEvents = events * 1.5;
    return {
      events,
      archiveToStoreRatio: archiveMs / storeMs,
      scorerBatchRatio: bothMs / storeOnlyMs,
      archiveEventsPerSecond: events / (archiveMs / 1000),
      gzipBytesPerEvent: bytes / archivedEvents,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatArchiveBench(r: ArchiveBench): string {
  return (
    `Raw archive (folder), ${r.events.toLocaleString('en-US')} events in batches of 1,000 (500 for the side-by-side figure): append ${Math.round(r.archiveEventsPerSecond).toLocaleString('en-US')} events/s, ` +
    `${(r.archiveToStoreRatio * 100).toFixed(0)}% of the time of the SQLite store write of a batch; ` +
    `a scorer batch (store and archive side by side) takes ${r.scorerBatchRatio.toFixed(2)}x the store write alone; ${r.gzipBytesPerEvent.toFixed(0)} bytes/event gzipped`
  );
}
