import { describe, expect, it } from 'vitest';

import { cosmosBackupContainers } from '../../src/backup/cosmosBackupContainers.js';
import { settingsSchema } from '../../src/config.js';
import { at, type Resource } from './bicep.js';
import { loadBicep } from './infraFiles.js';

const data = loadBicep('app/data.bicep');
const account = data.resources.find((r: Resource) => r.type.startsWith('Microsoft.DocumentDB/databaseAccounts@'))!;

describe('Cosmos DB backup', () => {
  it('keeps continuous backup on the account, in the 7-day tier', () => {
    expect(at(account.body, 'properties.backupPolicy')).toEqual({
      type: 'Continuous',
      continuousModeProperties: { tier: 'Continuous7Days' },
    });
  });

  it('backs up every container Bicep creates (npm run backup lists them in cosmosBackupContainers)', () => {
    const shapes = cosmosBackupContainers(settingsSchema.parse({}));
    const containers = data.resources.filter((r) => r.type.includes('/containers@'));
    expect(shapes.size).toBe(containers.length);
    const keyPaths = (paths: unknown[]) => paths.map(String).sort();
    expect(
      keyPaths(containers.map((c) => (at(c.body, 'properties.resource.partitionKey.paths') as string[])[0])),
    ).toEqual(keyPaths([...shapes.values()].map((s) => s.partitionKey.paths![0])));
  });
});
