import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { appRoot } from '../../src/appRoot.js';

/** Median, min and max of a few samples, in ms. */
interface Timing {
  median: number;
  min: number;
  max: number;
}

export interface CliBench {
  runs: number;
  help: Timing;
  keysList: Timing;
  /** `npm start` (npm, the bin's staleness check, the host) until GET /api/health answers 200. */
  npmStartHealthy: Timing;
}

const timing = (samples: number[]): Timing => {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Whole processes, as a user types them: Node's own start included; dist/ must be current. */
export async function benchCli(options: { runs?: number } = {}): Promise<CliBench> {
  const runs = options.runs ?? 7;
  const root = appRoot();
  const bin = join(root, 'bin', 'event-scoring.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const timed = (args: string[]) => {
    const started = performance.now();
    const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, env });
    if (run.status !== 0) throw new Error(`event-scoring ${args.join(' ')}: ${String(run.stderr)}`);
    return performance.now() - started;
  };
  try {
    timed(['keys', 'list']); // builds dist/ first if a source changed, and creates the store
    const help: number[] = [];
    const keysList: number[] = [];
    const npmStart: number[] = [];
    for (let i = 0; i < runs; i++) {
      help.push(timed(['--help']));
      keysList.push(timed(['keys', 'list']));
      npmStart.push(await untilHealthy(root, env));
    }
    return {
      runs,
      help: timing(help),
      keysList: timing(keysList),
      npmStartHealthy: timing(npmStart),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function untilHealthy(root: string, env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (performance.now() - started > 30_000) throw new Error('npm start: not healthy in 30 s');
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export function formatCliBench(b: CliBench): string {
  const f = (t: Timing) =>
    `${(t.median / 1000).toFixed(2)} s (${(t.min / 1000).toFixed(2)}–${(t.max / 1000).toFixed(2)})`;
  return [
    `CLI startup, whole processes, median of ${b.runs} (min–max):`,
    `  event-scoring --help                ${f(b.help)}  (goal < 0.5 s)`,
    `  event-scoring keys list (embedded)  ${f(b.keysList)}  (goal < 0.5 s)`,
    `  npm start to a healthy host         ${f(b.npmStartHealthy)}  (goal < 2 s, nothing changed)`,
  ].join('\n');
}
