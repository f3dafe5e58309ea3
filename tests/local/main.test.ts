import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { eventually } from '../support/localHost.js';

const main = 'dist/src/local/main.js';
const node = process.execPath;

function run(env: Record<string, string>) {
  const child = spawn(node, ['--disable-warning=ExperimentalWarning', main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, out: () => stdout, err: () => stderr };
}

// `npm start` as a user runs it: the built entry, the scorer on its worker thread.
describe('npm start (dist/src/local/main.js)', () => {
  beforeAll(() => {
    if (!existsSync(main))
      execFileSync(node, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
  });

  it('serves the API, scores on the worker thread, prints where things are, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scoring-main-'));
    const server = run({ PORT: '0', DATA_DIR: dataDir });
    try {
      const url = await eventually(
        async () => /POST (http:\/\/\S+)\/api\/events/.exec(server.out())?.[1],
      );
      expect(server.out()).toContain(dataDir);
      expect(server.out()).toMatch(/model: purchase-propensity@/);
      const eventId = randomUUID();
      const res = await fetch(`${url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventId, userId: 'main-test', type: 'signup' }),
      });
      expect(res.status).toBe(202);
      const items = await eventually(async () => {
        const page = (await (await fetch(`${url}/api/users/main-test/scores`)).json()) as {
          items: { eventId: string }[];
        };
        return page.items.length > 0 ? page.items : undefined;
      });
      expect(items.map((i) => i.eventId)).toEqual([eventId]);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops at once with one message naming a bad setting', async () => {
    const server = run({ PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.err().trim()).toMatch(/^Cannot start: Setting PORT is invalid \("eighty"\)/);
  });
});
