import { describe, expect, it } from 'vitest';

import { cosmosBackupContainers } from '../../src/backup/cosmosBackupContainers.js';
import { loadConfig, settingsSchema } from '../../src/config.js';
import { at, type BicepObject, Expr, nestedResources } from './bicep.js';
import { loadBicep, main } from './infraFiles.js';

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

describe('Avro backups in Bicep', () => {
  const storage = loadBicep('app/storage.bicep');
  const m = main();
  const account = storage.resources.find((r) => r.symbol === 'backupStorage')!;
  const nested = nestedResources(account.body);
  const expr = (v: unknown) => (v instanceof Expr ? v.text : undefined);

  it('keeps backups in their own account, where a deleted blob leaves no version and no soft-deleted copy', () => {
    const service = nested.find((r) => r.symbol === 'blobService')!;
    expect(at(service.body, 'properties.isVersioningEnabled')).toBe(false);
    expect(at(service.body, 'properties.deleteRetentionPolicy.enabled')).toBe(false);
    const container = nested.find((r) => r.symbol === 'backupContainer')!;
    expect(expr(container.body.name)).toBe('backupContainerName');
    expect(m.vars.get('backupContainerName')).toBe('backups');
  });

  it('deletes every blob of the backups container after backupRetentionDays', () => {
    const policy = nested.find((r) => r.symbol === 'lifecycle')!;
    expect(policy.body.name).toBe('default');
    const rules = at(policy.body, 'properties.policy.rules') as BicepObject[];
    expect(rules.map((r) => r.name)).toEqual(['backups-retention']);
    const rule = rules[0]!;
    expect(rule.enabled).toBe(true);
    expect(at(rule, 'definition.filters.blobTypes')).toEqual(['blockBlob']);
    expect(at(rule, 'definition.filters.prefixMatch')).toEqual([
      new Expr("'${backupContainerName}/'"),
    ]);
    expect(
      expr(at(rule, 'definition.actions.baseBlob.delete.daysAfterModificationGreaterThan')),
    ).toBe('backupRetentionDays');
  });

  it('takes backupRetentionDays from main.bicep, with the bounds and default of BACKUP_RETENTION_DAYS', () => {
    const param = m.params.get('backupRetentionDays')!;
    expect(param.default).toBe(settingsSchema.parse({}).BACKUP_RETENTION_DAYS);
    const min = param.decorators.minValue![0] as number;
    const max = param.decorators.maxValue![0] as number;
    for (const ok of [min, max]) {
      const loaded = loadConfig({ BACKUP_RETENTION_DAYS: String(ok) }, 'local');
      expect(loaded.ok && loaded.config.BACKUP_RETENTION_DAYS).toBe(ok);
    }
    for (const bad of [min - 1, max + 1]) {
      expect(loadConfig({ BACKUP_RETENTION_DAYS: String(bad) }, 'local').ok).toBe(false);
    }
    expect(storage.params.get('backupRetentionDays')!.decorators).toMatchObject({
      minValue: [min],
      maxValue: [max],
    });
    const module = m.modules.find((x) => x.symbol === 'storage')!;
    expect(expr(at(module.body, 'params.backupRetentionDays'))).toBe('backupRetentionDays');
    expect(expr(at(module.body, 'params.backupContainerName'))).toBe('backupContainerName');
  });

  it('outputs the backup URL and BACKUP_RETENTION_DAYS for the operator (azd env)', () => {
    expect(expr(m.outputs.get('BACKUP_RETENTION_DAYS')?.value)).toBe('string(backupRetentionDays)');
    expect(expr(m.outputs.get('BACKUP_BLOB_URL')?.value)).toBe(
      "'${storage.outputs.backupBlobEndpoint}${backupContainerName}'",
    );
    const azd = loadBicep('azd.bicep');
    expect(expr(azd.outputs.get('BACKUP_RETENTION_DAYS')?.value)).toBe(
      'resources.outputs.BACKUP_RETENTION_DAYS',
    );
  });
});
