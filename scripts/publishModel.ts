import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { type ContainerClient, RestError } from '@azure/storage-blob';

import { createBlobServiceClient } from '../src/adapters/blob/createBlobServiceClient.js';
import { findRoot } from './package.js';

export interface PublishOptions {
  /** Tries while the storage answers 403 (a role assignment not yet on the data plane). */
  attempts?: number;
  delayMs?: number;
  log?: (line: string) => void;
}

/**
 * Uploads `body` as `blobName` unless a blob of that name exists (If-None-Match: *): the first
 * model of a new environment, never an overwrite. Rotating the model is a separate, deliberate
 * upload (docs/deploy.md).
 */
export async function publishModel(
  container: ContainerClient,
  blobName: string,
  body: Buffer,
  options: PublishOptions = {},
): Promise<'published' | 'exists'> {
  const attempts = options.attempts ?? 20;
  const log = options.log ?? (() => undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      await container.getBlockBlobClient(blobName).upload(body, body.length, {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      return 'published';
    } catch (err) {
      if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412))
        return 'exists';
      if (!(err instanceof RestError && err.statusCode === 403) || attempt >= attempts) throw err;
      log(`Storage not writable yet (attempt ${attempt}), waiting for the role assignment`);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 15_000));
    }
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (an output of infra/azd.bicep)`);
  return value;
}

/** azd's postprovision hook: the environment holds the Bicep outputs. */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const account = required(env, 'MODEL_STORAGE_ACCOUNT');
  const containerName = required(env, 'MODEL_BLOB_CONTAINER');
  const blobName = required(env, 'MODEL_BLOB_NAME');
  const file = path.join(findRoot(), 'models', 'default.json');
  const client = createBlobServiceClient({
    accountUrl: `https://${account}.blob.core.windows.net/`,
  });
  const outcome = await publishModel(
    client.getContainerClient(containerName),
    blobName,
    readFileSync(file),
    { log: console.log },
  );
  console.log(
    outcome === 'published'
      ? `Published ${path.relative(process.cwd(), file)} as ${containerName}/${blobName}`
      : `Model ${containerName}/${blobName} already published; left as it is`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.env).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
