import type { CosmosClient } from '@azure/cosmos';

import { decodeAuditCursor, encodeAuditCursor } from '../../core/audit/auditCursor.js';
import type { AuditLog, AuditRecord } from '../../ports/index.js';
import { auditContainer } from './containers.js';
import { openContainer } from './openContainer.js';

/** Every record is in one logical partition: admin actions are few (20 GB is ~60 million records). */
const PARTITION = 'audit';

const toRecord = (r: Record<string, unknown>): AuditRecord => ({
  id: r.id as string,
  at: r.at as string,
  actor: r.actor as string,
  action: r.action as AuditRecord['action'],
  target: r.target as string,
});

/**
 * The audit log in a Cosmos DB container of its own (not in backups, so a restore never replaces
 * it). append is a create per record (~6 RU; a create never overwrites); a page is one
 * single-partition query on the composite index (at DESC, id DESC), a few RU.
 */
export async function createCosmosAuditLog(
  client: CosmosClient,
  options: { database: string; container: string; createIfMissing: boolean },
): Promise<AuditLog> {
  const container = await openContainer(
    client,
    options.database,
    options.container,
    auditContainer,
    options.createIfMissing,
  );
  return {
    async append(records) {
      for (const r of records) await container.items.create({ ...r, partition: PARTITION });
    },
    async list({ limit, cursor }) {
      const from = cursor === undefined ? undefined : decodeAuditCursor(cursor);
      if (cursor !== undefined && !from) throw new RangeError('invalid cursor');
      const where = from ? 'WHERE c.at < @at OR (c.at = @at AND c.id < @id)' : '';
      const { resources } = await container.items
        .query<Record<string, unknown>>(
          {
            query: `SELECT TOP @n c.id, c.at, c.actor, c.action, c.target FROM c ${where} ORDER BY c.at DESC, c.id DESC`,
            parameters: [
              { name: '@n', value: limit + 1 },
              ...(from
                ? [
                    { name: '@at', value: from.at },
                    { name: '@id', value: from.id },
                  ]
                : []),
            ],
          },
          { partitionKey: PARTITION },
        )
        .fetchAll();
      const items = resources.slice(0, limit).map(toRecord);
      const last = items.at(-1);
      return {
        items,
        cursor: resources.length > limit && last ? encodeAuditCursor(last.at, last.id) : null,
      };
    },
    close: async () => undefined,
  };
}
