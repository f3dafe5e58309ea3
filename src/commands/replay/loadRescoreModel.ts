import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Config } from '../../config.js';
import { compileModel } from '../../core/model/compileModel.js';
import { parseModelText } from '../../core/model/modelSchema.js';
import type { Scorer } from '../../ports/index.js';

/**
 * The model of `--model`: `blob:<name>` reads that blob from the model container the settings
 * name (MODEL_BLOB_ACCOUNT_URL or MODEL_BLOB_CONNECTION); anything else is a file path.
 */
export async function loadRescoreModel(
  spec: string,
  config: Config,
  baseDir: string,
): Promise<Scorer> {
  let text: string;
  if (spec.startsWith('blob:')) {
    const name = spec.slice('blob:'.length);
    const { createBlobServiceClient } =
      await import('../../adapters/blob/createBlobServiceClient.js');
    const { readBlobIfChanged } = await import('../../adapters/blob/readBlobIfChanged.js');
    const container = createBlobServiceClient({
      connection: config.MODEL_BLOB_CONNECTION,
      accountUrl: config.MODEL_BLOB_ACCOUNT_URL,
      clientId: config.AZURE_CLIENT_ID,
    }).getContainerClient(config.MODEL_BLOB_CONTAINER);
    const read = await readBlobIfChanged(container, name);
    if (read.status !== 'changed')
      throw new Error(
        `--model ${spec}: ${read.status === 'failed' ? read.error : 'blob not found'}`,
      );
    text = read.text;
  } else {
    text = await readFile(resolve(baseDir, spec), 'utf8');
  }
  const parsed = parseModelText(text);
  if (!parsed.ok) throw new Error(`--model ${spec} is not a valid model: ${parsed.error}`);
  return compileModel(parsed.model);
}
