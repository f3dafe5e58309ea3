import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { ContainerClient } from '@azure/storage-blob';

import { CacheBoundError } from '../../core/sql/cacheBoundError.js';
import { dayFileName, dayOfFile, inRange, STATE_NAME } from '../../core/sql/dayFile.js';
import type { CompactionState, EventFiles, OpenedFiles } from '../../ports/sql.js';

interface Cached {
  path: string;
  bytes: number;
  used: number;
  pins: number;
}

/**
 * The Parquet files in a Blob container. A day's file is replaced by one Put Blob (atomic: a reader
 * gets the old or the new blob). Queries read local copies: `open` downloads the asked days' blobs
 * that are not cached yet into `cacheDir` (named by ETag, so a rewritten day is fetched again) and
 * evicts the least recently used files not in use to stay within `cacheBytes`; a query needing more
 * than the bound is refused. Cost: one List Blobs call per query, one Get Blob per day not cached.
 */
export async function createBlobEventFiles(
  container: ContainerClient,
  options: { cacheDir: string; cacheBytes: number },
): Promise<EventFiles> {
  const scratchDir = join(options.cacheDir, '_scratch');
  await rm(options.cacheDir, { recursive: true, force: true });
  await mkdir(scratchDir, { recursive: true });
  const cache = new Map<string, Cached>();
  let clock = 0;
  const cachedBytes = () => [...cache.values()].reduce((n, c) => n + c.bytes, 0);

  const listDays = async () => {
    const found: { day: string; etag: string; bytes: number }[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'day=' })) {
      const day = dayOfFile(blob.name);
      if (day !== undefined)
        found.push({
          day,
          etag: (blob.properties.etag ?? '').replace(/[^A-Za-z0-9]/g, ''),
          bytes: blob.properties.contentLength ?? 0,
        });
    }
    return found.sort((a, b) => a.day.localeCompare(b.day));
  };

  const evict = async (needed: number, keep: Set<string>) => {
    const candidates = [...cache.entries()]
      .filter(([key, c]) => c.pins === 0 && !keep.has(key))
      .sort((a, b) => a[1].used - b[1].used);
    for (const [key, c] of candidates) {
      if (cachedBytes() + needed <= options.cacheBytes) return;
      cache.delete(key);
      await rm(c.path, { force: true });
    }
  };

  return {
    location: container.url,
    scratchDir,
    days: async () => (await listDays()).map((d) => d.day),
    async replaceDay(day, path) {
      const blob = container.getBlockBlobClient(dayFileName(day));
      if (path === undefined) await blob.deleteIfExists();
      else await blob.uploadFile(path);
    },
    async open(range): Promise<OpenedFiles> {
      const wanted = (await listDays()).filter((d) => inRange(d.day, range));
      const total = wanted.reduce((n, d) => n + d.bytes, 0);
      if (total > options.cacheBytes)
        throw new CacheBoundError(
          `the days asked for hold ${Math.ceil(total / 2 ** 20)} MB, more than the cache bound SQL_CACHE_MB; narrow from/to`,
        );
      const keys = new Set(wanted.map((d) => `${d.day}/${d.etag}`));
      const missing = wanted.filter((d) => !cache.has(`${d.day}/${d.etag}`));
      await evict(
        missing.reduce((n, d) => n + d.bytes, 0),
        keys,
      );
      if (cachedBytes() + missing.reduce((n, d) => n + d.bytes, 0) > options.cacheBytes)
        throw new CacheBoundError('the cache is full with files other queries are reading; retry');
      const pinned: Cached[] = [];
      try {
        for (const d of wanted) {
          const key = `${d.day}/${d.etag}`;
          let entry = cache.get(key);
          if (entry === undefined) {
            const folder = join(options.cacheDir, `day=${d.day}`);
            await mkdir(folder, { recursive: true });
            const path = join(folder, `${d.etag}.parquet`);
            const partial = `${path}.part`;
            await container.getBlockBlobClient(dayFileName(d.day)).downloadToFile(partial);
            await rename(partial, path);
            entry = { path, bytes: (await stat(path)).size, used: 0, pins: 0 };
            cache.set(key, entry);
          }
          entry.used = ++clock;
          entry.pins += 1;
          pinned.push(entry);
        }
      } catch (error) {
        for (const entry of pinned) entry.pins -= 1;
        throw error;
      }
      let released = false;
      return {
        root: options.cacheDir,
        files: wanted.map((d, i) => ({ day: d.day, path: pinned[i]!.path })),
        release() {
          if (released) return;
          released = true;
          for (const entry of pinned) entry.pins -= 1;
        },
      };
    },
    async readState() {
      const blob = container.getBlockBlobClient(STATE_NAME);
      if (!(await blob.exists())) return undefined;
      const buffer = await blob.downloadToBuffer();
      return JSON.parse(buffer.toString('utf8')) as CompactionState;
    },
    async writeState(state) {
      const text = JSON.stringify(state);
      await container.getBlockBlobClient(STATE_NAME).upload(text, Buffer.byteLength(text), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    },
    async close() {
      await rm(options.cacheDir, { recursive: true, force: true });
    },
  };
}
