import { describe, expect, it } from 'vitest';

import { parseManifest } from '../../../src/core/backup/parseManifest.js';
import { manifestAt } from '../../adapters/backupShelfContract.js';

describe('parseManifest', () => {
  const manifest = manifestAt('2026-10-01T00:00:00.000Z', true);

  it('accepts a manifest the backup writes', () => {
    expect(parseManifest(JSON.stringify(manifest))).toEqual({ ok: true, manifest });
  });

  it('names what is wrong: not JSON, a missing field, a file name outside the folder', () => {
    expect(parseManifest('{')).toEqual({
      ok: false,
      problem: expect.stringMatching(/^manifest\.json is not JSON/),
    });
    expect(parseManifest(JSON.stringify({ ...manifest, pointInTime: undefined }))).toEqual({
      ok: false,
      problem: expect.stringMatching(/^manifest\.json: pointInTime /),
    });
    for (const file of ['..', '.', '../x', 'a/b']) {
      const files = [{ ...manifest.files[0]!, file }];
      expect(parseManifest(JSON.stringify({ ...manifest, files })), file).toEqual({
        ok: false,
        problem: 'manifest.json: files.0.file must be a plain file name',
      });
    }
    const copy = { ...manifest, onlineCopy: { ...manifest.onlineCopy!, file: '..' } };
    expect(parseManifest(JSON.stringify(copy)).ok).toBe(false);
  });
});
