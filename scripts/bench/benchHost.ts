import { type ChildProcess, fork } from 'node:child_process';
import { type Agent, request } from 'node:http';
import { join } from 'node:path';

import { appRoot } from '../../src/appRoot.js';

/** Always the built server, also when a test imports this file from its TypeScript source. */
const serverScript = join(appRoot(), 'dist', 'scripts', 'benchServer.js');

/** The per-process counters benchServer.ts reports (stats). */
export interface BenchStats {
  storeRequests: number;
  storedDocuments: number;
  scoringMs: number;
  storeWriteMs: number;
}

/** A bench server in a child process (scripts/benchServer.ts): this process only makes load. */
export interface BenchHost {
  port: number;
  child: ChildProcess;
  stats(): Promise<BenchStats>;
  /** Resolves when the server's queue is empty: the scorer has caught up. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** Forks benchServer.js in `mode` ('bare': ingest only; 'local': the real host) with `env` added. */
export async function forkBenchHost(
  mode: 'bare' | 'local',
  env: Record<string, string> = {},
): Promise<BenchHost> {
  const child = fork(serverScript, [mode], {
    env: { ...process.env, ...env },
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${mode} bench server exited with ${code}`)));
  });
  return {
    port,
    child,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m: { stats: BenchStats }) => resolve(m.stats));
        child.send('stats');
      }),
    drain: () =>
      new Promise((resolve) => {
        child.once('message', () => resolve());
        child.send('drain');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** POSTs a JSON body to `/api/events`; resolves with the status once the answer is read. */
export function postEvents(
  port: number,
  body: Buffer,
  agent: Agent,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/events',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
