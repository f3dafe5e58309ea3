import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface AzuriteBlob {
  /** The well-known development account, at this instance's port. */
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

const ACCOUNT = 'devstoreaccount1';
const KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const LISTENING = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * Starts azurite-blob on a free port (port 0; the port is read from its startup line), in memory,
 * with its telemetry off, in a temp working folder so nothing lands in the repo.
 */
export async function startAzuriteBlob(): Promise<AzuriteBlob> {
  const cwd = mkdtempSync(join(tmpdir(), 'azurite-'));
  // Resolved as a package, so this file also works compiled (the cost bench runs it from dist/).
  const azurite = dirname(createRequire(import.meta.url).resolve('azurite/package.json'));
  const child = spawn(
    process.execPath,
    [
      join(azurite, 'dist/src/blob/main.js'),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--extentMemoryLimit',
      '64',
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`azurite did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`azurite exited with ${code}:\n${output}`));
    });
  });
  return {
    port,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
