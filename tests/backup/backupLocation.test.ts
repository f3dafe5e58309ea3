import { describe, expect, it } from 'vitest';

import { parseBackupLocation } from '../../src/backup/backupLocation.js';

describe('parseBackupLocation', () => {
  it('resolves a folder against the base folder', () => {
    expect(parseBackupLocation('backups/today', '/app')).toEqual({
      ok: true,
      location: { kind: 'folder', path: '/app/backups/today' },
    });
  });

  it('splits an Azure Blob URL into account, container and prefix', () => {
    expect(
      parseBackupLocation('https://acct.blob.core.windows.net/backups/2026/03/10', '/app'),
    ).toEqual({
      ok: true,
      location: {
        kind: 'blob',
        serviceUrl: 'https://acct.blob.core.windows.net',
        container: 'backups',
        prefix: '2026/03/10',
      },
    });
  });

  it('reads the account from the path for an IP host (Azurite)', () => {
    expect(parseBackupLocation('http://127.0.0.1:10000/devstoreaccount1/nightly', '/app')).toEqual({
      ok: true,
      location: {
        kind: 'blob',
        serviceUrl: 'http://127.0.0.1:10000/devstoreaccount1',
        container: 'nightly',
        prefix: '',
      },
    });
  });

  it('names what is wrong with a URL', () => {
    expect(parseBackupLocation('https://acct.blob.core.windows.net/', '/app')).toEqual({
      ok: false,
      reason: expect.stringMatching(/names no blob container/),
    });
    expect(parseBackupLocation('https://acct.blob.core.windows.net/Bad_Name/x', '/app')).toEqual({
      ok: false,
      reason: expect.stringMatching(/lower-case/),
    });
  });
});
