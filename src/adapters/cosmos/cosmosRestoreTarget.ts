import type {
  Container,
  CosmosClient,
  JSONObject,
  OperationInput,
  PartitionKey,
} from '@azure/cosmos';
import { PartitionKeyDefinitionVersion, PartitionKeyKind } from '@azure/cosmos';

import type { CosmosDocumentRecord } from '../../core/backup/cosmosDocumentSchema.js';
import type { BackupTable, RestoreTarget } from '../../ports/index.js';
import type { ContainerShape } from './containers.js';
import { executeBulk } from './executeBulk.js';
import { openContainer } from './openContainer.js';

const OPERATIONS_PER_CALL = 500;

function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Loads a backup into a Cosmos DB database. `shapes` are the containers the config names, with the
 * indexing the code expects; with createIfMissing they are created (the emulator, tests), on Azure
 * Bicep has made them. Documents go in through the bulk API as creates, so nothing is overwritten.
 */
export function openCosmosRestoreTarget(
  client: CosmosClient,
  options: {
    database: string;
    shapes: ReadonlyMap<string, ContainerShape>;
    createIfMissing: boolean;
  },
): RestoreTarget {
  const database = client.database(options.database);
  const exists = async (container: Container) => {
    try {
      await container.read();
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  };
  const hasDocuments = async (name: string) => {
    const container = database.container(name);
    if (!(await exists(container))) return false;
    const { resources } = await container.items
      .query('SELECT TOP 1 c.id FROM c', { maxItemCount: 1 })
      .fetchAll();
    return resources.length > 0;
  };
  const shapeOf = (table: BackupTable): ContainerShape => {
    const known = options.shapes.get(table.name);
    if (known) return known;
    if (table.definition.kind !== 'cosmos') throw new Error(`${table.name} is not a container`);
    return {
      partitionKey: {
        paths: [table.definition.partitionKeyPath],
        kind: PartitionKeyKind.Hash,
        version: PartitionKeyDefinitionVersion.V2,
      },
      indexingPolicy: { indexingMode: 'consistent', automatic: true },
    };
  };

  return {
    backend: 'cosmos',
    async nonEmpty(tables) {
      const names = [...new Set([...options.shapes.keys(), ...tables.map((t) => t.name)])];
      const full = await Promise.all(names.map(hasDocuments));
      return names.filter((_, i) => full[i]);
    },
    async load(table, rows) {
      const container = await openContainer(
        client,
        options.database,
        table.name,
        shapeOf(table),
        options.createIfMissing,
      );
      let loaded = 0;
      let batch: OperationInput[] = [];
      const send = async () => {
        const { statusCodes } = await executeBulk(container, batch);
        const bad = [...new Set(statusCodes.filter((code) => code !== 201))];
        if (bad.length > 0) {
          throw new Error(`restore into ${table.name} failed with status ${bad.join(', ')}`);
        }
        loaded += batch.length;
        batch = [];
      };
      for await (const row of rows) {
        const record = row as unknown as CosmosDocumentRecord;
        batch.push({
          operationType: 'Create',
          partitionKey: JSON.parse(record.partitionKey) as PartitionKey,
          resourceBody: JSON.parse(record.document) as JSONObject,
        });
        if (batch.length >= OPERATIONS_PER_CALL) await send();
      }
      if (batch.length > 0) await send();
      return loaded;
    },
    async count(table) {
      const { resources } = await database
        .container(table.name)
        .items.query<number>('SELECT VALUE COUNT(1) FROM c')
        .fetchAll();
      return resources[0] ?? 0;
    },
    async close() {},
  };
}
