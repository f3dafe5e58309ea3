import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { noTelemetry } from '../../src/adapters/telemetry/noTelemetry.js';
import { appRoot } from '../../src/appRoot.js';
import { loadConfig } from '../../src/config.js';
import { type LocalHost, startLocalHost } from '../../src/local/startLocalHost.js';
import type { Logger } from '../../src/ports/index.js';

export const quietLogger: Logger & { lines: string[] } = {
  lines: [],
  info(m) {
    this.lines.push(m);
  },
  warn(m) {
    this.lines.push(m);
  },
  error(m) {
    this.lines.push(m);
  },
};

export type TestHost = LocalHost & { dataDir: string; removeData(): void };

/**
 * Starts the local host on a free port with its data in a fresh temp folder (or the one given);
 * `options` passes a fixed key table (createTestAccess) or hand-run timers to startLocalHost.
 */
export async function startTestHost(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'scoring-e2e-')),
  options: Pick<Parameters<typeof startLocalHost>[1], 'access' | 'timers'> = {},
): Promise<TestHost> {
  const loaded = loadConfig({ PORT: '0', DATA_DIR: dataDir, ...env }, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  const host = await startLocalHost(loaded.config, {
    logger: quietLogger,
    telemetry: noTelemetry,
    baseDir: appRoot(),
    ...options,
  });
  return { ...host, dataDir, removeData: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Polls until `check` returns a value, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
