import type { ContainerClient } from '@azure/storage-blob';

import { groupByHour } from '../../core/archive/archiveHour.js';
import { hoursBefore } from '../../core/archive/hoursBefore.js';
import type { EventArchive } from '../../ports/index.js';
import { decodeArchiveObject, encodeArchiveObject, newObjectName } from './archiveObject.js';
import { ArchiveObjectsOffline } from './archiveObjectsOffline.js';
import { dropArchiveLines } from './dropArchiveLines.js';

/**
 * The archive as block blobs in one container (Azure; written with the app's managed identity).
 * One Put Blob per hour partition of a batch: the upload is atomic, so an object is whole or absent.
 * The client belongs to the caller.
 */
export function createBlobArchive(container: ContainerClient): EventArchive {
  return {
    async append(events) {
      for (const [hour, group] of groupByHour(events)) {
        const body = await encodeArchiveObject(group);
        await container.getBlockBlobClient(newObjectName(hour)).uploadData(body, {
          blobHTTPHeaders: { blobContentType: 'application/x-ndjson+gzip' },
        });
      }
    },

    async list(hour) {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix: hour })) {
        if (blob.name.endsWith('.ndjson.gz')) names.push(blob.name);
      }
      return names.sort();
    },

    async read(name) {
      return decodeArchiveObject(await container.getBlockBlobClient(name).downloadToBuffer());
    },

    /** Lists names by hierarchy (one List Blobs per partition level), then one Delete Blob per object. */
    async removeHoursBefore(cutoff) {
      const hours = await hoursBefore(cutoff, async (prefix) => {
        const names: string[] = [];
        for await (const item of container.listBlobsByHierarchy('/', { prefix })) {
          if (item.kind === 'prefix') names.push(item.name.slice(prefix.length, -1));
        }
        return names;
      });
      let removed = 0;
      for (const hour of hours) {
        for (const name of await this.list(hour)) {
          await container.deleteBlob(name, { deleteSnapshots: 'include' });
          removed += 1;
        }
      }
      return removed;
    },

    /**
     * One List Blobs for the hour and one Get Blob per object; then per object with a match one Put
     * Blob over the same name, in the tier it had (atomic: readers see the old blob or the new), or
     * one Delete Blob when no line is left. The write is conditional on the ETag read, so an object
     * changed meanwhile fails the call (to be retried) rather than being overwritten. An object in
     * the Archive tier cannot be read: its rehydration to Cool is started (Standard priority, up to
     * 15 hours in Azure) and, once the others are done, the call throws ArchiveObjectsOffline so the
     * deletion is retried later.
     */
    async rewriteHour(hour, drop) {
      let objects = 0;
      let lines = 0;
      const offline: string[] = [];
      for await (const item of container.listBlobsFlat({ prefix: hour })) {
        if (!item.name.endsWith('.ndjson.gz')) continue;
        const blob = container.getBlockBlobClient(item.name);
        const tier = item.properties.accessTier;
        if (tier === 'Archive') {
          // Already rehydrating: archiveStatus says so, and asking again would be refused.
          if (!item.properties.archiveStatus)
            await blob.setAccessTier('Cool', { rehydratePriority: 'Standard' });
          offline.push(item.name);
          continue;
        }
        const download = await blob.download();
        const data = await streamToBuffer(download.readableStreamBody);
        const dropped = await dropArchiveLines(data, drop);
        if (dropped.lines === 0) continue;
        const conditions = { ifMatch: download.etag };
        if (dropped.body) {
          await blob.uploadData(dropped.body, {
            blobHTTPHeaders: { blobContentType: 'application/x-ndjson+gzip' },
            conditions,
            ...(tier === 'Cool' || tier === 'Cold' ? { tier } : {}),
          });
        } else {
          await blob.delete({ deleteSnapshots: 'include', conditions });
        }
        objects++;
        lines += dropped.lines;
      }
      if (offline.length > 0) throw new ArchiveObjectsOffline(offline, { objects, lines });
      return { objects, lines };
    },

    async close() {},
  };
}

async function streamToBuffer(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream ?? []) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}
