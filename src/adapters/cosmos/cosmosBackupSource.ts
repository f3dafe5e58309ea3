import type { Container, CosmosClient } from '@azure/cosmos';

import {
  cosmosDocumentSchema,
  toCosmosDocumentRecord,
} from '../../core/backup/cosmosDocumentSchema.js';
import type { BackupRow, BackupSource, BackupTable } from '../../ports/index.js';

const PAGE_SIZE = 1000;

/**
 * Reads the named containers for a backup. Cosmos DB has no snapshot across containers, so the
 * point in time is a whole second T taken at the start, and only documents last written before T
 * (`_ts < T`) are read: documents are created once and never updated, so that is the store as it
 * was at T. Each container is read with one cross-partition query: a backup reads everything, at
 * about 1 RU per KB read.
 */
export async function openCosmosBackupSource(
  client: CosmosClient,
  options: { database: string; containers: readonly string[]; endpoint: string },
  now: () => number = Date.now,
): Promise<BackupSource> {
  const seconds = Math.floor(now() / 1000);
  const database = client.database(options.database);
  const containers = new Map<string, Container>();
  const tables: BackupTable[] = [];
  for (const name of options.containers) {
    const container = database.container(name);
    const { resource } = await container.read();
    const partitionKeyPath = resource?.partitionKey?.paths?.[0];
    if (partitionKeyPath === undefined) {
      throw new Error(`container ${options.database}/${name} has no partition key path`);
    }
    containers.set(name, container);
    tables.push({
      name,
      schema: cosmosDocumentSchema,
      definition: { kind: 'cosmos', partitionKeyPath },
    });
  }
  const at = new Date(seconds * 1000).toISOString();
  return {
    source: { backend: 'cosmos', location: `${options.endpoint} ${options.database}` },
    pointInTime: {
      at,
      window: { from: at, to: at },
      definition:
        'Every document whose last write (_ts, whole seconds) was before this moment; later writes are left out. A document TTL removed between this moment and the read is missing.',
    },
    tables,
    rows: (table) => readRows(containers.get(table.name)!, table, seconds),
    async close() {},
  };
}

async function* readRows(
  container: Container,
  table: BackupTable,
  beforeSeconds: number,
): AsyncGenerator<BackupRow> {
  if (table.definition.kind !== 'cosmos') return;
  const path = table.definition.partitionKeyPath;
  const iterator = container.items
    .query<Record<string, unknown>>(
      {
        query: 'SELECT * FROM c WHERE c._ts < @t',
        parameters: [{ name: '@t', value: beforeSeconds }],
      },
      { maxItemCount: PAGE_SIZE },
    )
    .getAsyncIterator();
  for await (const page of iterator) {
    for (const resource of page.resources) {
      yield toCosmosDocumentRecord(resource, path) as unknown as BackupRow;
    }
  }
}
