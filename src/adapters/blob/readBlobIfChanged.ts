import type { ContainerClient } from '@azure/storage-blob';

export type BlobRead =
  | { status: 'unchanged' }
  | { status: 'changed'; text: string; etag: string }
  | { status: 'missing' }
  | { status: 'failed'; error: string };

/** Blobs larger than this are refused rather than read into memory. */
export const MAX_BLOB_BYTES = 16 * 1024 * 1024;

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Downloads a UTF-8 blob unless its ETag is still `etag` (If-None-Match: one request, no body when
 * unchanged). Expected outcomes are values; nothing throws.
 */
export async function readBlobIfChanged(
  container: ContainerClient,
  name: string,
  etag?: string,
): Promise<BlobRead> {
  try {
    const response = await container
      .getBlobClient(name)
      .download(0, undefined, etag ? { conditions: { ifNoneMatch: etag } } : {});
    if (response.contentLength !== undefined && response.contentLength > MAX_BLOB_BYTES) {
      response.readableStreamBody?.resume();
      return {
        status: 'failed',
        error: `blob is ${response.contentLength} bytes, over ${MAX_BLOB_BYTES}`,
      };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) chunks.push(chunk as Buffer);
    return {
      status: 'changed',
      text: Buffer.concat(chunks).toString('utf8'),
      etag: response.etag ?? '',
    };
  } catch (error) {
    const code = statusCode(error);
    if (code === 304) return { status: 'unchanged' };
    if (code === 404) return { status: 'missing' };
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}
