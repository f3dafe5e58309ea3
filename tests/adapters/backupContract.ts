import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import avro from 'avsc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { runBackup } from '../../src/backup/runBackup.js';
import { runRestore } from '../../src/backup/runRestore.js';
import { MANIFEST_FILE, manifestSchema } from '../../src/core/backup/manifest.js';
import type { ScoredEvent } from '../../src/core/event.js';
import type { BackupSource, DeadLetterSink, RestoreTarget, ScoreStore } from '../../src/ports.js';
import { RICH_FIELDS, scoredEvent } from './storeContract.js';

/** One store of an adapter: written through its ScoreStore, backed up and restored through the ports. */
export interface BackupUnderTest {
  store: ScoreStore;
  deadLetters: DeadLetterSink;
  /** Takes the backup's point in time now. */
  openSource(): Promise<BackupSource>;
  /** A new, empty store: the restore target and a ScoreStore reading what it holds. */
  openEmpty(): Promise<{ target: RestoreTarget; store: ScoreStore }>;
  cleanup(): Promise<void>;
}

/** Ids at the edges of the userId rule (they name Cosmos DB documents and SQLite rows alike), and cy. */
const USERS = [`${'a'.repeat(254)}中`, 'b/e#n?\\|+ 😀', 'cy'];
const { link: _link, group: _group, ...RICH_WITHOUT_LINKS } = RICH_FIELDS;
const DAYS = ['2026-03-09', '2026-03-10', '2026-03-11'];

/** cy browses as anon:cy first, then logs in (a link with traits) and joins a group. */
function seedEvents(): ScoredEvent[] {
  return Array.from({ length: 24 }, (_, i) =>
    scoredEvent(
      i % 3 === 2 && i < 12 ? 'anon:cy' : USERS[i % 3]!,
      `${DAYS[i % 2]}T1${i % 10}:00:00.000Z`,
      {
        score: i / 24,
        // every fourth with the nested fields of the shared event shape, which must round-trip
        // exactly (its link and group left out: the identity scenario below is the links here)
        ...(i % 4 === 0 ? RICH_WITHOUT_LINKS : {}),
        properties: {
          n: i,
          note: i % 5 === 0 ? null : `ü${i}`,
          cart: { items: [{ sku: `s${i}` }] },
        },
        ...(i === 14 && {
          link: { previousId: 'anon:cy', via: 'identify' },
          traits: { plan: 'pro' },
          traitsOnce: { referrer: 'ad' },
        }),
        ...(i === 17 && { group: { type: 'company', id: 'acme' }, traits: { seats: 3 } }),
      },
    ),
  );
}

/** Every query the ScoreStore port offers, over the seeded users and days. */
async function answers(store: ScoreStore) {
  const scores = await Promise.all(USERS.map((userId) => store.userScores({ userId, limit: 100 })));
  return {
    scores,
    dau: await store.dailyActiveUsers(DAYS[0]!, DAYS[2]!),
    summaries: await Promise.all(['cy', 'anon:cy'].map((id) => store.userSummary(id))),
    group: await store.identity.groupProfile('company', 'acme'),
  };
}

/** The behaviour both backup adapters share; each adapter's test file runs it against its own peer. */
export function backupContract(name: string, open: () => Promise<BackupUnderTest>): void {
  describe(`backup and restore contract: ${name}`, () => {
    let subject: BackupUnderTest;
    let dir: string;
    const targets: { target: RestoreTarget; store: ScoreStore }[] = [];

    beforeEach(async () => {
      subject = await open();
      dir = mkdtempSync(join(tmpdir(), 'backup-contract-'));
      await subject.store.write(seedEvents());
      await subject.deadLetters.put([{ key: 'm-1', reason: 'bad json', body: { raw: '{' } }]);
    });
    afterEach(async () => {
      for (const t of targets.splice(0)) {
        await t.target.close();
        await t.store.close();
      }
      await subject.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });
    const emptyTarget = async () => {
      const t = await subject.openEmpty();
      targets.push(t);
      return t;
    };
    const backUp = async () => {
      const source = await subject.openSource();
      try {
        return await runBackup(source, dir);
      } finally {
        await source.close();
      }
    };

    it('restores every table, and the restored store answers every query as the source did', async () => {
      const manifest = await backUp();
      expect(
        manifestSchema.parse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'))),
      ).toEqual(manifest);
      const records = Object.fromEntries(manifest.files.map((f) => [f.table, f.records]));
      expect(Object.values(records)).toContain(24);
      expect(manifest.files.length).toBeGreaterThanOrEqual(3);

      const { target, store } = await emptyTarget();
      const report = await runRestore(dir, target);
      expect(report).toMatchObject({ ok: true });
      expect(report.tables.map((t) => [t.table, t.counted])).toEqual(
        manifest.files.map((f) => [f.table, f.records]),
      );
      const restored = await answers(store);
      expect(restored).toEqual(await answers(subject.store));
      expect(restored.scores.flatMap((p) => p.items)).toHaveLength(24);
      // Links and profiles came back with the events.
      expect(restored.summaries[1]).toMatchObject({
        userId: 'cy',
        linkedIds: ['anon:cy'],
        events: 8,
        profile: { traits: { plan: 'pro', referrer: 'ad' }, groups: { company: 'acme' } },
      });
      expect(restored.group?.traits).toEqual({ seats: 3 });
    });

    it('writes Avro container files a reader opens with nothing but the file', async () => {
      const manifest = await backUp();
      for (const file of manifest.files) {
        const bytes = readFileSync(join(dir, file.file));
        expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x4f, 0x62, 0x6a, 0x01]));
        let header: { meta: Record<string, Buffer> } | undefined;
        const records: unknown[] = [];
        await new Promise<void>((resolve, reject) => {
          avro
            .createFileDecoder(join(dir, file.file))
            .on(
              'metadata',
              (_type: unknown, _codec: unknown, h: { meta: Record<string, Buffer> }) => {
                header = h;
              },
            )
            .on('data', (record: unknown) => records.push(record))
            .on('end', resolve)
            .on('error', reject);
        });
        expect(records).toHaveLength(file.records);
        expect(header!.meta['avro.codec']!.toString()).toBe('deflate');
        expect(JSON.parse(header!.meta['avro.schema']!.toString())).toMatchObject({
          type: 'record',
        });
        expect(header!.meta['eventscoring.table']!.toString()).toBe(file.table);
      }
    });

    it('leaves out what is written after the point in time', async () => {
      const source = await subject.openSource();
      const late = scoredEvent(USERS[0]!, '2026-03-11T09:00:00.000Z');
      await subject.store.write([late]);
      await runBackup(source, dir);
      await source.close();
      const { target, store } = await emptyTarget();
      expect(await runRestore(dir, target)).toMatchObject({ ok: true });
      const page = await store.userScores({ userId: USERS[0]!, limit: 100 });
      expect(page.items.map((d) => d.eventId)).not.toContain(late.eventId);
      expect(page.items).toHaveLength(8);
      expect((await store.dailyActiveUsers(DAYS[2]!, DAYS[2]!))[0]!.activeUsers).toBe(0);
    });

    it('refuses a store that is not empty, and adds nothing to it', async () => {
      await backUp();
      const { target, store } = await emptyTarget();
      expect(await runRestore(dir, target)).toMatchObject({ ok: true });
      const again = await runRestore(dir, target);
      expect(again).toMatchObject({ ok: false, stage: 'check' });
      expect(again.ok ? [] : again.problems.join()).toMatch(/not empty/);
      const after = await answers(store);
      expect(after.scores.flatMap((p) => p.items)).toHaveLength(24);
    });

    it('refuses a backup whose file does not match its checksum, before writing anything', async () => {
      const manifest = await backUp();
      const file = join(dir, manifest.files[0]!.file);
      const bytes = readFileSync(file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
      writeFileSync(file, bytes);
      const { target } = await emptyTarget();
      const report = await runRestore(dir, target);
      expect(report).toMatchObject({ ok: false, stage: 'check' });
      expect(report.ok ? [] : report.problems.join()).toMatch(/checksum/);
      expect(await target.nonEmpty([])).toEqual([]);
    });
  });
}
