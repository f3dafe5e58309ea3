import { describe, expect, it } from 'vitest';

import { expiredBackups } from '../../../src/core/backup/expiredBackups.js';
import { backupFiles } from '../../../src/core/backup/manifest.js';
import { manifestAt } from '../../adapters/backupShelfContract.js';

const DAY = 86_400_000;
const now = Date.parse('2026-12-05T02:00:00.000Z');

const shelved = (name: string, daysAgo: number) => ({
  name,
  manifest: manifestAt(new Date(now - daysAgo * DAY).toISOString()),
});

describe('expiredBackups', () => {
  it('takes the backups more than the retention before now, keeps the rest', () => {
    const backups = [shelved('old', 31), shelved('recent', 29), shelved('ancient', 400)];
    expect(expiredBackups(backups, { now, retentionDays: 30, keep: 'new' })).toEqual([
      backups[0],
      backups[2],
    ]);
  });

  it('keeps a backup exactly at the retention, removes one a millisecond older', () => {
    const edge = { name: 'edge', manifest: manifestAt(new Date(now - 30 * DAY).toISOString()) };
    const past = { name: 'past', manifest: manifestAt(new Date(now - 30 * DAY - 1).toISOString()) };
    expect(expiredBackups([edge, past], { now, retentionDays: 30, keep: 'new' })).toEqual([past]);
  });

  it('never takes the backup named keep, however old its point in time', () => {
    const backups = [shelved('new', 90), shelved('other', 90)];
    expect(expiredBackups(backups, { now, retentionDays: 1, keep: 'new' })).toEqual([backups[1]]);
  });

  it('keeps a backup whose point in time is in the future', () => {
    expect(expiredBackups([shelved('ahead', -5)], { now, retentionDays: 1, keep: 'x' })).toEqual(
      [],
    );
  });
});

describe('backupFiles', () => {
  it('lists the Avro files and the online copy, never the manifest', () => {
    expect(backupFiles(manifestAt('2026-01-01T00:00:00.000Z'))).toEqual(['scores.avro']);
    expect(backupFiles(manifestAt('2026-01-01T00:00:00.000Z', true))).toEqual([
      'scores.avro',
      'store.db',
    ]);
  });
});
