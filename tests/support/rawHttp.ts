import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { appRoot } from '../../src/appRoot.js';
import { loadConfig } from '../../src/config.js';
import { type LocalHost, startLocalHost } from '../../src/local/startLocalHost.js';
import { type LogFields, type Logger, noTelemetry } from '../../src/ports.js';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A logger that keeps every line with its fields, to check what reaches the logs. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}

/** The local host with a short request timeout (so a body shorter than its Content-Length gets its 408 soon). */
export async function startHardenedHost(
  env: Record<string, string> = {},
): Promise<
  LocalHost & { logger: ReturnType<typeof recordingLogger>; port: number; stop(): Promise<void> }
> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scoring-hostile-'));
  const loaded = loadConfig({ PORT: '0', DATA_DIR: dataDir, ...env }, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  const logger = recordingLogger();
  const host = await startLocalHost(loaded.config, {
    logger,
    telemetry: noTelemetry,
    baseDir: appRoot(),
    requestTimeoutMs: 1000,
  });
  return {
    ...host,
    logger,
    port: Number(new URL(host.url).port),
    async stop() {
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `bytes` to a fresh connection and reads the first answer; `end` half-closes after writing.
 * Resolves `closed` when the server closed without answering.
 */
export function rawExchange(
  port: number,
  bytes: Buffer,
  options: { end?: boolean; timeoutMs?: number; head?: boolean } = {},
): Promise<RawAnswer | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (result: RawAnswer | 'closed' | 'timeout') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 5000);
    const tryParse = () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) return undefined;
      const head = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1]);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = options.head ? 0 : Number(headers['content-length'] ?? 0);
      const body = all.subarray(split + 4);
      if (body.length < length) return undefined;
      return { status, headers, body: body.subarray(0, length).toString('utf8') };
    };
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      const answer = tryParse();
      if (answer) finish(answer);
    });
    socket.on('error', () => finish(tryParse() ?? 'closed'));
    socket.on('close', () => finish(tryParse() ?? 'closed'));
    socket.write(bytes, () => {
      if (options.end) socket.end();
    });
  });
}

/** A 2xx, or a 4xx whose body is the one error shape `{ error: { code, message } }`. */
export function shapeProblem(status: number, body: string, method = 'GET'): string | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status < 400 || status >= 500) return `status ${status}`;
  if (method === 'HEAD') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `status ${status} with a body that is not JSON: ${body.slice(0, 100)}`;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    return `status ${status} without { error: { code, message } }: ${body.slice(0, 100)}`;
  }
  return undefined;
}
