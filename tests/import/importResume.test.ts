import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, startTestHost } from '../support/localHost.js';
import { prefix, runImport, startGate, workDir } from './importHarness.js';

const script = 'dist/scripts/import.js';

// The built CLI as a user runs it, stopped by Ctrl+C and then killed outright.
describe('npm run import (dist/scripts/import.js) interrupted', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>;
  beforeAll(async () => {
    if (!existsSync(script)) {
      execFileSync(process.execPath, [
        'node_modules/typescript/bin/tsc',
        '-p',
        'tsconfig.build.json',
      ]);
    }
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  it('resumes after SIGINT and after SIGKILL, storing every row exactly once', async () => {
    const dir = workDir();
    const p = prefix();
    const users = [`${p}-a`, `${p}-b`];
    const rows = 3000;
    const lines = ['user_id,event_type,occurred_at'];
    for (let i = 0; i < rows; i++) {
      lines.push(`${users[i % 2]},page_view,2026-11-01T10:${String(i % 60).padStart(2, '0')}:00Z`);
    }
    const file = join(dir, 'big.csv');
    writeFileSync(file, lines.join('\n'));
    const stateDir = join(dir, 'state');
    const gate = await startGate(host.url, () => ({ delayMs: 40 }));
    const args = [
      file,
      '--url',
      gate.url,
      '--state',
      stateDir,
      '--batch',
      '20',
      '--concurrency',
      '2',
    ];
    const position = () => {
      const [name] = existsSync(stateDir)
        ? readdirSync(stateDir).filter((f) => f.endsWith('.json'))
        : [];
      return name
        ? (JSON.parse(readFileSync(join(stateDir, name), 'utf8')) as { position: number }).position
        : 0;
    };
    const runUntil = async (signal: NodeJS.Signals, atLeast: number) => {
      const child = spawn(process.execPath, [script, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await eventually(async () => (position() >= atLeast ? true : undefined));
      child.kill(signal);
      return { code: await exited, out: () => out };
    };
    try {
      const interrupted = await runUntil('SIGINT', 200);
      expect(interrupted.code).toBe(130);
      expect(interrupted.out()).toContain('stopped: interrupted');
      const afterInterrupt = position();
      expect(afterInterrupt).toBeGreaterThanOrEqual(200);
      expect(afterInterrupt).toBeLessThan(rows);

      const killed = await runUntil('SIGKILL', afterInterrupt + 200);
      expect(killed.code).toBe(null);
      const afterKill = position();
      expect(afterKill).toBeLessThan(rows);

      const sentBefore = gate.seen.flatMap((s) => s.eventIds).length;
      const last = await runImport(args);
      expect(last.code).toBe(0);
      expect(last.out).toContain(`resumed after row ${afterKill}`);
      expect(last.out).toContain(`${rows} rows, ${rows} delivered`);
      // The last run sent only what the saved position had not covered.
      expect(gate.seen.flatMap((s) => s.eventIds).length - sentBefore).toBe(rows - afterKill);

      await eventually(async () => {
        let n = 0;
        for (const u of users)
          n += (await host.deps.store.userScores({ userId: u, limit: 10_000 })).items.length;
        return n === rows ? true : undefined;
      });
      await host.consumer!.drain();
      const ids = new Set<string>();
      for (const u of users) {
        for (const d of (await host.deps.store.userScores({ userId: u, limit: 10_000 })).items)
          ids.add(d.eventId);
      }
      expect(ids.size).toBe(rows);
    } finally {
      await gate.close();
    }
  });
});
