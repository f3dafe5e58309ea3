import { describe, expect, it } from 'vitest';

import { cosmosBackupContainers } from '../../src/backup/cosmosBackupContainers.js';
import { settingsSchema } from '../../src/config.js';
import { at } from './bicep.js';
import { loadBicep } from './infraFiles.js';

const data = loadBicep('app/data.bicep');
const ACCOUNT = 'Microsoft.DocumentDB/databaseAccounts@';
const account = data.resources.find((r) => r.type.startsWith(ACCOUNT))!;
// The audit log and the deletion ledger are kept apart from backup and restore (a restore never
// replaces them), as on SQLite.
const apart = ['audit', 'deletions'];
const containers = data.resources.filter(
  (r) => r.type.includes('/containers@') && !apart.includes(r.symbol),
);
const firstKeyPath = (paths: unknown) => String((paths as unknown[])[0]);

describe('Cosmos DB backup', () => {
  it('keeps continuous backup on the account, in the 7-day tier', () => {
    expect(at(account.body, 'properties.backupPolicy')).toEqual({
      type: 'Continuous',
      continuousModeProperties: { tier: 'Continuous7Days' },
    });
  });

  it('backs up every container Bicep creates but the audit log and the ledger (cosmosBackupContainers lists them)', () => {
    const settings = settingsSchema.parse({});
    const shapes = cosmosBackupContainers(settings);
    expect(shapes.has(settings.COSMOS_DELETIONS_CONTAINER)).toBe(false);
    expect(data.resources.filter((r) => apart.includes(r.symbol))).toHaveLength(2);
    expect(shapes.size).toBe(containers.length);
    const inBicep = containers.map((c) =>
      firstKeyPath(at(c.body, 'properties.resource.partitionKey.paths')),
    );
    const inCode = [...shapes.values()].map((s) => firstKeyPath(s.partitionKey.paths));
    expect(inBicep.sort()).toEqual(inCode.sort());
  });
});
