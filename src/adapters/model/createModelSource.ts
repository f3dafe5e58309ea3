import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { appRoot } from '../../appRoot.js';
import type { Config } from '../../config.js';
import type { Logger, ModelSource, Telemetry } from '../../ports/index.js';
import { createModelSlot, type ModelSlot } from './createModelSlot.js';

export type ModelSettings = Pick<
  Config,
  | 'MODEL_PATH'
  | 'CHALLENGER_MODEL_PATH'
  | 'MODEL_BLOB_ACCOUNT_URL'
  | 'MODEL_BLOB_CONNECTION'
  | 'MODEL_BLOB_CONTAINER'
  | 'MODEL_BLOB_NAME'
  | 'CHALLENGER_MODEL_BLOB_NAME'
  | 'MODEL_REFRESH_SECONDS'
  | 'AZURE_CLIENT_ID'
>;

export interface ModelSourceDeps {
  logger: Logger;
  telemetry: Telemetry;
  /** Relative model paths resolve against this; the package root by default. */
  baseDir?: string;
}

export interface RefreshingModelSource extends ModelSource {
  /** Checks the blobs now (the timer does this every MODEL_REFRESH_SECONDS). */
  refresh(): Promise<void>;
}

type Check = () => Promise<void>;

function fileCheck(slot: ModelSlot, path: string): Check {
  return async () => {
    try {
      slot.offer(await readFile(path, 'utf8'), path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      slot.fail(
        code === 'ENOENT' ? `${path} does not exist` : `${path}: ${(error as Error).message}`,
      );
    }
  };
}

async function blobChecks(
  settings: ModelSettings,
  wanted: { slot: ModelSlot; blobName: string }[],
): Promise<Check[]> {
  const origin = (blobName: string) => `blob ${settings.MODEL_BLOB_CONTAINER}/${blobName}`;
  try {
    const { createBlobServiceClient } = await import('../blob/createBlobServiceClient.js');
    const { readBlobIfChanged } = await import('../blob/readBlobIfChanged.js');
    const container = createBlobServiceClient({
      connection: settings.MODEL_BLOB_CONNECTION,
      accountUrl: settings.MODEL_BLOB_ACCOUNT_URL,
      clientId: settings.AZURE_CLIENT_ID,
    }).getContainerClient(settings.MODEL_BLOB_CONTAINER);
    return wanted.map(({ slot, blobName }) => {
      let etag: string | undefined;
      return async () => {
        const read = await readBlobIfChanged(container, blobName, etag);
        if (read.status === 'unchanged') return;
        if (read.status === 'changed') {
          etag = read.etag;
          slot.offer(read.text, origin(blobName));
        } else {
          etag = undefined;
          slot.fail(
            `${origin(blobName)} ${read.status === 'missing' ? 'does not exist' : `could not be read: ${read.error}`}`,
          );
        }
      };
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return wanted.map(
      ({ slot, blobName }) =>
        async () =>
          slot.fail(`${origin(blobName)}: ${message}`),
    );
  }
}

/**
 * Loads the champion (and a challenger, when configured) from files or Blob Storage. Never throws
 * for a bad or missing model: status() says what is wrong and champion() stays undefined. Blobs are
 * re-checked on a timer and swapped in when a valid file with another version appears.
 */
export async function createModelSource(
  settings: ModelSettings,
  deps: ModelSourceDeps,
): Promise<RefreshingModelSource> {
  const baseDir = deps.baseDir ?? appRoot();
  const champion = createModelSlot('champion', deps);
  const challenger = createModelSlot('challenger', deps);

  const blobs: { slot: ModelSlot; blobName: string }[] = [];
  const files: Check[] = [];
  if (settings.MODEL_BLOB_NAME) blobs.push({ slot: champion, blobName: settings.MODEL_BLOB_NAME });
  else files.push(fileCheck(champion, resolve(baseDir, settings.MODEL_PATH)));
  if (settings.CHALLENGER_MODEL_BLOB_NAME)
    blobs.push({ slot: challenger, blobName: settings.CHALLENGER_MODEL_BLOB_NAME });
  else if (settings.CHALLENGER_MODEL_PATH)
    files.push(fileCheck(challenger, resolve(baseDir, settings.CHALLENGER_MODEL_PATH)));
  const challengerConfigured = Boolean(
    settings.CHALLENGER_MODEL_BLOB_NAME || settings.CHALLENGER_MODEL_PATH,
  );

  const refreshing = blobs.length > 0 ? await blobChecks(settings, blobs) : [];
  await Promise.all([...files, ...refreshing].map((check) => check()));

  let running: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    running ??= Promise.all(refreshing.map((check) => check())).then(
      () => {
        running = undefined;
      },
      (error: unknown) => {
        running = undefined;
        deps.logger.error(`Model refresh failed: ${String(error)}`);
      },
    );
    return running;
  };
  const timer =
    refreshing.length > 0
      ? setInterval(() => void refresh(), settings.MODEL_REFRESH_SECONDS * 1000)
      : undefined;
  timer?.unref();

  const describe = (slot: ModelSlot): string => {
    const model = slot.current();
    return model
      ? `${slot.role} ${model.name}@${model.version} from ${slot.origin()}`
      : `${slot.role} not loaded: ${slot.problem()}`;
  };

  return {
    champion: () => champion.current(),
    challenger: () => challenger.current(),
    status() {
      const detail = challengerConfigured
        ? `${describe(champion)}; ${describe(challenger)}`
        : describe(champion);
      return { ok: champion.current() !== undefined, detail };
    },
    refresh,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
