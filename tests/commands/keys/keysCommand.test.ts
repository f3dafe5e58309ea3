import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRoot } from '../../../src/appRoot.js';
import type { CommandIo } from '../../../src/commands/commandIo.js';
import { keysCommand } from '../../../src/commands/keys/keysCommand.js';
import { startCommand } from '../../../src/commands/start/startCommand.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';

const run = promisify(execFile);

/** Runs a command in this process with its own I/O: what it printed, and its exit code. */
async function inProcess(
  command: (args: readonly string[], io: CommandIo) => Promise<number>,
  env: Record<string, string>,
  args: readonly string[],
  signal = new AbortController().signal,
  onOut?: (line: string) => void,
) {
  let stdout = '';
  let stderr = '';
  const code = await command(args, {
    out: (line) => {
      stdout += `${line}\n`;
      onOut?.(line);
    },
    err: (line) => (stderr += `${line}\n`),
    env,
    baseDir: appRoot(),
    tty: false,
    signal,
  });
  return { code, stdout, stderr };
}
const keys = (env: Record<string, string>, ...args: string[]) => inProcess(keysCommand, env, args);
const keyIn = (stdout: string) => /^esk_[\w-]+$/m.exec(stdout)?.[0];

describe('keys command', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates, lists, rotates and revokes keys in the embedded store, never showing a secret twice', async () => {
    const env = { DATA_DIR: dataDir };
    const created = await keys(
      env,
      'create',
      '--scope',
      'write',
      '--name',
      'ios-app',
      '--rate',
      '50',
      '--burst',
      '2000',
    );
    expect(created.code).toBe(0);
    const key = keyIn(created.stdout)!;
    expect(key).toMatch(/^esk_write_[0-9a-f]{16}_[\w-]{43}$/);
    const listed = await keys(env, 'list', '--json');
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({
        name: 'ios-app',
        scope: 'write',
        rate: 50,
        burst: 2000,
        lastUsed: null,
        status: 'active',
      }),
    ]);
    expect(rows[0]!.prefix).toBe(key.slice(0, 27));
    expect(listed.stdout).not.toContain(key.slice(27));

    const rotated = await keys(env, 'rotate', 'ios-app', '--overlap', '2');
    expect(rotated.code).toBe(0);
    const next = keyIn(rotated.stdout)!;
    expect(next.slice(0, 27)).toBe(key.slice(0, 27));
    expect(next).not.toBe(key);
    const afterRotate = JSON.parse((await keys(env, 'list', '--json')).stdout) as {
      status: string;
    }[];
    expect(afterRotate[0]!.status).toMatch(/^rotated, old key valid until /);

    expect((await keys(env, 'revoke', 'ios-app')).code).toBe(0);
    const afterRevoke = JSON.parse((await keys(env, 'list', '--json')).stdout) as {
      status: string;
    }[];
    expect(afterRevoke[0]!.status).toMatch(/^revoked /);
  });

  it('refuses bad input with a message naming it', async () => {
    const env = { DATA_DIR: dataDir };
    const bad = [
      [['create', '--scope', 'owner', '--name', 'x'], /--scope must be write, read or admin/],
      [['create', '--scope', 'read'], /--name is required/],
      [
        ['create', '--scope', 'write', '--name', 'w', '--burst', '10'],
        /--burst of a write key must be at least 1000/,
      ],
      [['create', '--scope', 'read', '--name', 'r', '--rate', 'fast'], /--rate must be a number/],
      [['revoke', 'nobody'], /no active key named or with id nobody/],
      [['frobnicate'], /unknown command "frobnicate"\nusage: event-scoring keys/],
    ] as const;
    for (const [args, message] of bad) {
      const result = await keys(env, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('tells npm start to leave open mode once a key exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-main-'));
    const start = async () => {
      const stop = new AbortController();
      let ready: () => void;
      const started = new Promise<void>((resolve) => (ready = resolve));
      const running = inProcess(
        (args, io) => startCommand(args, io, { scorer: 'inline' }),
        { PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'warn' },
        [],
        stop.signal,
        (line) => {
          if (line.includes('Ctrl+C stops.')) ready();
        },
      );
      await Promise.race([started, running]);
      stop.abort();
      const { code, stdout, stderr } = await running;
      expect(code, stderr).toBe(0);
      return stdout + stderr;
    };
    try {
      expect(await start()).toContain('OPEN MODE: no API key exists');
      expect(
        (await keys({ DATA_DIR: dir }, 'create', '--scope', 'read', '--name', 'analyst')).code,
      ).toBe(0);
      const second = await start();
      expect(second).not.toContain('OPEN MODE');
      expect(second).toContain('access: API keys required');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('against Cosmos DB (STORE_BACKEND=cosmos)', () => {
    let server: CosmosTestServer;
    beforeAll(async () => {
      server = await startCosmosServer();
    });
    afterAll(async () => {
      await server.close();
    });

    it('creates the keys container and keeps keys there', async () => {
      const env = {
        STORE_BACKEND: 'cosmos',
        COSMOS_ENDPOINT: server.endpoint,
        COSMOS_KEY: server.key,
        COSMOS_DATABASE: 'keyscli',
        // The test server's certificate is self-signed; only this child process trusts it.
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
      };
      // The built CLI in its own process, as an operator runs it (only that process trusts the
      // test server's self-signed certificate).
      const keys = async (env: Record<string, string>, ...args: string[]) => {
        try {
          return {
            code: 0,
            ...(await run(process.execPath, ['bin/event-scoring.js', 'keys', ...args], {
              env: { ...process.env, ...env },
            })),
          };
        } catch (err) {
          const e = err as { code: number; stdout: string; stderr: string };
          return { code: e.code, stdout: e.stdout, stderr: e.stderr };
        }
      };
      const created = await keys(env, 'create', '--scope', 'admin', '--name', 'ops');
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain('in Cosmos DB');
      const rows = JSON.parse((await keys(env, 'list', '--json')).stdout) as {
        name: string;
        scope: string;
      }[];
      expect(rows.map((r) => [r.name, r.scope])).toEqual([['ops', 'admin']]);
    });
  });
});
