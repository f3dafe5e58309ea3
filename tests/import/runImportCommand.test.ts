import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, startTestHost } from '../support/localHost.js';
import { prefix, runImport, startGate, workDir } from './importHarness.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;

describe('npm run import against the local host', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  const stored = async (userId: string) =>
    (await host.deps.store.userScores({ userId, limit: 10_000 })).items;
  const storedCount = async (users: string[]) => {
    let n = 0;
    for (const u of users) n += (await stored(u)).length;
    return n;
  };
  const settle = async (users: string[], expected: number) => {
    await eventually(async () => ((await storedCount(users)) === expected ? true : undefined));
    await host.consumer!.drain();
    return storedCount(users);
  };

  /** Seed layout: event_id,occurred_at,user_id,event_type,properties_json; every third row has an id. */
  function seedCsv(p: string, rows: number): { text: string; users: string[] } {
    const users = [`${p}-a`, `${p}-b`, `${p}-c`];
    const lines = ['event_id,occurred_at,user_id,event_type,properties_json'];
    for (let i = 0; i < rows; i++) {
      const id =
        i % 3 === 0
          ? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`.replace(
              '00000000',
              p.slice(1, 9),
            )
          : '';
      const props = JSON.stringify({
        path: `/p/${i % 7}`,
        device: i % 2 ? 'mobile' : 'desktop',
      }).replaceAll('"', '""');
      lines.push(
        `${id},2026-11-0${1 + (i % 5)} 10:${String(i % 60).padStart(2, '0')}:00,${users[i % 3]},page_view,"${props}"`,
      );
    }
    return { text: lines.join('\n') + '\n', users };
  }

  it('imports the seed layout with no flags; timestamps without an offset are UTC', async () => {
    const dir = workDir();
    const p = prefix();
    const { text, users } = seedCsv(p, 30);
    writeFileSync(join(dir, 'seed.csv'), text);
    const run = await runImport([
      join(dir, 'seed.csv'),
      '--url',
      host.url,
      '--state',
      join(dir, 'state'),
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('30 rows, 30 delivered, 0 rejected');
    expect(await settle(users, 30)).toBe(30);
    const docs = await stored(users[0]!);
    const first = docs.find((d) => d.occurredAt === '2026-11-01T10:00:00.000Z');
    expect(first).toMatchObject({
      type: 'page_view',
      properties: { path: '/p/0', device: 'desktop' },
    });
    expect(first?.eventId.startsWith(p.slice(1, 9))).toBe(true);
  });

  it('recognises gzip by its content, whatever the name, and reads the API field names as CSV', async () => {
    const dir = workDir();
    const p = prefix();
    const csv = [
      'eventId,userId,type,occurredAt,amount,properties',
      `,${p}-x,purchase,2026-11-03T09:00:00Z,19.5,"{""sku"":""a1""}"`,
      `,${p}-x,page_view,2026-11-03T09:01:00Z,,`,
    ].join('\n');
    writeFileSync(join(dir, 'export.csv'), gzipSync(csv));
    const ndjson = [
      JSON.stringify({ userId: `${p}-y`, type: 'click', occurredAt: '2026-11-03T08:00:00Z' }),
      '',
      JSON.stringify({
        userId: `${p}-y`,
        type: 'click',
        occurredAt: '2026-11-03T08:05:00Z',
        amount: 3,
      }),
    ].join('\n');
    writeFileSync(join(dir, 'events.data'), gzipSync(ndjson));
    const state = ['--state', join(dir, 'state'), '--url', host.url];
    expect((await runImport([join(dir, 'export.csv'), ...state])).code).toBe(0);
    const nd = await runImport([join(dir, 'events.data'), '--format', 'ndjson', ...state]);
    expect(nd.code).toBe(0);
    expect(nd.out).toContain('2 rows, 2 delivered');
    expect(await settle([`${p}-x`, `${p}-y`], 4)).toBe(4);
    const purchase = (await stored(`${p}-x`)).find((d) => d.type === 'purchase');
    expect(purchase).toMatchObject({ amount: 19.5, properties: { sku: 'a1' } });
  });

  it('maps other layouts with --map, and stops with exit 2 naming an unmapped column', async () => {
    const dir = workDir();
    const p = prefix();
    writeFileSync(
      join(dir, 'crm.csv'),
      `who,what,when,dev,note\n${p}-m,signup,2026-11-04T12:00:00+01:00,ios,hello\n`,
    );
    const unmapped = await runImport([join(dir, 'crm.csv'), '--url', host.url, '--dry-run']);
    expect(unmapped.code).toBe(2);
    expect(unmapped.err).toContain('column "who" is not a known field');
    const run = await runImport([
      join(dir, 'crm.csv'),
      '--url',
      host.url,
      '--state',
      join(dir, 'state'),
      '--map',
      'who=userId,what=type,when=occurredAt,dev=properties.device,note=-',
    ]);
    expect(run.code).toBe(0);
    await settle([`${p}-m`], 1);
    expect((await stored(`${p}-m`))[0]).toMatchObject({
      type: 'signup',
      occurredAt: '2026-11-04T11:00:00.000Z',
      properties: { device: 'ios' },
    });
  });

  const withBadRows = (p: string) =>
    [
      'event_id,occurred_at,user_id,event_type,properties_json',
      `,2026-11-01T10:00:00Z,${p}-r,page_view,"{""note"":""two lines"",`,
      `""b"":1}"`,
      `,2026-11-01T10:00:00Z,bad user,page_view,{}`,
      `,2026-11-01T10:00:00Z,${p}-r,Page View,{}`,
      `,2026-11-01T10:00:00Z,${p}-r,click,not json`,
      `not-a-uuid,2026-11-01T10:00:00Z,${p}-r,click,{}`,
      `,2026-11-01T10:00:00Z,${p}-r,click,{}`,
    ].join('\n');

  it('reports each rejected row with its file, line and the API field errors, and exits 1', async () => {
    const dir = workDir();
    const p = prefix();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, withBadRows(p));
    const errors = join(dir, 'rejected.ndjson');
    const run = await runImport([
      file,
      '--url',
      host.url,
      '--state',
      join(dir, 'state'),
      '--errors',
      errors,
    ]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('6 rows, 2 delivered, 4 rejected');
    expect(run.out).toContain(`rejected ${file}:4: userId: may contain only`);
    const rows = readFileSync(errors, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.line, r.errors[0].path, r.errors[0].code])).toEqual([
      [4, 'userId', 'invalid_format'],
      [5, 'type', 'invalid_format'],
      [6, 'properties', 'invalid_json'],
      [7, 'eventId', 'invalid_format'],
    ]);
    expect(rows.every((r) => r.file === file)).toBe(true);
    await settle([`${p}-r`], 2);
  });

  it('stops with exit 2 on broken CSV quoting, keeping the position but not marking the file complete', async () => {
    const dir = workDir();
    const p = prefix();
    const file = join(dir, 'broken.csv');
    writeFileSync(file, `user_id,event_type\n${p}-q,click\n${p}-q,"click\n${p}-q,click\n`);
    const args = [file, '--url', host.url, '--state', join(dir, 'state')];
    const run = await runImport(args);
    expect(run.code).toBe(2);
    expect(run.err).toContain('import: CSV:');
    const [name] = readdirSync(join(dir, 'state'));
    const state = JSON.parse(readFileSync(join(dir, 'state', name!), 'utf8'));
    expect(state.complete).toBe(false);
    // Marked complete, a second run would skip the file and exit 0.
    expect((await runImport(args)).code).toBe(2);
  });

  it('--dry-run finds the same rejections with no network and stores nothing', async () => {
    const dir = workDir();
    const p = prefix();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, withBadRows(p));
    const errors = join(dir, 'dry.ndjson');
    const run = await runImport([
      file,
      '--dry-run',
      '--url',
      'http://127.0.0.1:9',
      '--errors',
      errors,
    ]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('6 rows, 2 valid, 4 rejected');
    const lines = readFileSync(errors, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).line);
    expect(lines).toEqual([4, 5, 6, 7]);
    expect(existsSync(join(process.cwd(), '.import-state'))).toBe(false);
    await host.consumer!.drain();
    expect(await storedCount([`${p}-r`])).toBe(0);
  });

  it('a re-run, forced or not, stores nothing twice: id-less rows get the same derived ids', async () => {
    const dir = workDir();
    const p = prefix();
    const { text, users } = seedCsv(p, 60);
    // Identical id-less rows: each occurrence is its own event.
    const file = join(dir, 'seed.csv');
    writeFileSync(file, text + text.split('\n').slice(2, 4).join('\n') + '\n');
    const args = [file, '--url', host.url, '--state', join(dir, 'state'), '--batch', '25'];
    expect((await runImport(args)).code).toBe(0);
    expect(await settle(users, 62)).toBe(62);
    const again = await runImport(args);
    expect(again.out).toContain('already imported');
    const forced = await runImport([...args, '--restart']);
    expect(forced.out).toContain('62 rows, 62 delivered');
    await host.consumer!.drain();
    expect(await storedCount(users)).toBe(62);
  });

  it('resumes after a 503 that outlasts the retries without re-sending what was acknowledged', async () => {
    const dir = workDir();
    const p = prefix();
    const { text, users } = seedCsv(p, 100);
    const file = join(dir, 'seed.csv');
    writeFileSync(file, text);
    let healthy = false;
    const gate = await startGate(host.url, (n) =>
      healthy || n < 2 ? 'forward' : { status: 503, headers: { 'retry-after': '0' } },
    );
    try {
      const args = [
        file,
        '--url',
        gate.url,
        '--state',
        join(dir, 'state'),
        '--batch',
        '10',
        '--concurrency',
        '1',
      ];
      const first = await runImport([...args, '--retries', '2']);
      expect(first.code).toBe(3);
      expect(first.out).toContain('stopped: gave up after 3 attempts: 503');
      const acknowledged = gate.seen.filter((s) => s.status === 202).flatMap((s) => s.eventIds);
      expect(acknowledged).toHaveLength(20);
      const state = JSON.parse(
        readFileSync(join(dir, 'state', readdirSync(join(dir, 'state'))[0]!), 'utf8'),
      );
      expect(state).toMatchObject({ position: 20, complete: false, counts: { delivered: 20 } });

      healthy = true;
      const before = gate.seen.length;
      const second = await runImport(args);
      expect(second.code).toBe(0);
      expect(second.out).toContain('100 rows, 100 delivered, 0 rejected');
      expect(second.out).toContain('resumed after row 20');
      const resent = gate.seen.slice(before).flatMap((s) => s.eventIds);
      expect(resent).toHaveLength(80);
      expect(resent.filter((id) => acknowledged.includes(id))).toEqual([]);
      expect(await settle(users, 100)).toBe(100);
    } finally {
      await gate.close();
    }
  });

  it('closes a batch before the body would pass the 1 MiB limit, counting UTF-8 bytes', async () => {
    const dir = workDir();
    const p = prefix();
    // 10 values of 1000 three-byte characters: ~30 KB of UTF-8 per event but ~10 K UTF-16 units, so
    // counting string length would send ~90 events (2.7 MB) in one body.
    const properties = Object.fromEntries(
      Array.from({ length: 10 }, (_, k) => [`k${k}`, '€'.repeat(1000)]),
    );
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({
        userId: `${p}-w`,
        type: 'big',
        occurredAt: `2026-11-01T10:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 60)).padStart(2, '0')}Z`,
        properties,
      }),
    );
    writeFileSync(join(dir, 'wide.ndjson'), lines.join('\n'));
    const gate = await startGate(host.url, () => 'forward');
    try {
      const run = await runImport([
        join(dir, 'wide.ndjson'),
        '--url',
        gate.url,
        '--state',
        join(dir, 'state'),
      ]);
      expect(run.out).toContain('100 rows, 100 delivered');
      expect(run.code).toBe(0);
      expect(gate.seen.length).toBeGreaterThanOrEqual(4);
      expect(gate.seen.every((s) => s.status === 202)).toBe(true);
    } finally {
      await gate.close();
    }
  });

  it('honours 429 Retry-After before sending the batch again', async () => {
    const dir = workDir();
    const p = prefix();
    const { text, users } = seedCsv(p, 5);
    writeFileSync(join(dir, 'seed.csv'), text);
    const gate = await startGate(host.url, (n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : 'forward',
    );
    try {
      const run = await runImport([
        join(dir, 'seed.csv'),
        '--url',
        gate.url,
        '--state',
        join(dir, 'state'),
      ]);
      expect(run.code).toBe(0);
      expect(gate.seen.map((s) => s.status)).toEqual([429, 202]);
      expect(gate.seen[1]!.eventIds).toEqual(gate.seen[0]!.eventIds);
      // A lower bound only: the importer may wait longer on a loaded machine, never less.
      expect(gate.seen[1]!.at - gate.seen[0]!.at).toBeGreaterThanOrEqual(950);
      expect(await settle(users, 5)).toBe(5);
    } finally {
      await gate.close();
    }
  });
});
