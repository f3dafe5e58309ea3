import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Config } from '../config.js';
import type { EventFiles, ParquetWriter, SqlEngine } from '../ports/sql.js';

/** The SQL capability's parts, each built on its first use: DuckDB loads only where one is used. */
export interface SqlParts {
  files(): Promise<EventFiles>;
  writer(): Promise<ParquetWriter>;
  engine(): Promise<SqlEngine>;
  close(): Promise<void>;
}

const once = <T>(build: () => Promise<T>) => {
  let made: Promise<T> | undefined;
  return {
    get: () =>
      (made ??= build().catch((error: unknown) => {
        made = undefined;
        throw error;
      })),
    made: () => made,
  };
};

/** Files in `DATA_DIR/events/` (folder) or the EVENT_FILES_BLOB_CONTAINER (blob, cached in tmp). */
export function createSqlParts(config: Config, eventsFolder: string): SqlParts {
  const files = once(async (): Promise<EventFiles> => {
    if (config.EVENT_FILES_BACKEND === 'folder') {
      const { createFolderEventFiles } = await import('../adapters/eventFiles/folderEventFiles.js');
      return createFolderEventFiles(eventsFolder);
    }
    const { createBlobServiceClient } = await import('../adapters/blob/createBlobServiceClient.js');
    const { createBlobEventFiles } = await import('../adapters/eventFiles/blobEventFiles.js');
    const client = createBlobServiceClient({
      connection: config.EVENT_FILES_BLOB_CONNECTION,
      accountUrl: config.EVENT_FILES_BLOB_ACCOUNT_URL,
      clientId: config.AZURE_CLIENT_ID,
    });
    const container = client.getContainerClient(config.EVENT_FILES_BLOB_CONTAINER);
    // With a connection string (Azurite) nothing else creates it; in Azure Bicep does.
    if (config.EVENT_FILES_BLOB_CONNECTION) await container.createIfNotExists();
    return createBlobEventFiles(container, {
      cacheDir: join(tmpdir(), `event-files-${config.EVENT_FILES_BLOB_CONTAINER}`),
      cacheBytes: config.SQL_CACHE_MB * 1024 * 1024,
    });
  });
  const writer = once(async () => {
    const { createDuckDbParquetWriter } = await import('../adapters/duckdb/duckdbParquetWriter.js');
    return createDuckDbParquetWriter({ memoryLimit: `${config.SQL_MEMORY_MB}MB` });
  });
  const engine = once(async () => {
    const { createDuckDbSqlEngine } = await import('../adapters/duckdb/duckdbSqlEngine.js');
    return createDuckDbSqlEngine(await files.get(), {
      timeoutMs: config.SQL_TIMEOUT_MS,
      memoryLimitMb: config.SQL_MEMORY_MB,
      maxRows: config.SQL_MAX_ROWS,
      threads: config.SQL_THREADS,
    });
  });
  return {
    files: files.get,
    writer: writer.get,
    engine: engine.get,
    async close() {
      for (const part of [engine, writer, files]) {
        const made = await part.made()?.catch(() => undefined);
        await made?.close();
      }
    },
  };
}
