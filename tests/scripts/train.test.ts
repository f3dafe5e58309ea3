import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { generateData } from '../../scripts/generateData.js';
import { train } from '../../scripts/train.js';

const dir = mkdtempSync(join(tmpdir(), 'train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = () => undefined;

describe('generateData + train scripts', () => {
  it('reproduce the shipped models/default.json byte for byte (commands in docs/model-format.md)', () => {
    const data = join(dir, 'labeled.ndjson');
    generateData(['--seed', '1', '--rows', '50000', '--out', data], quiet);
    const out = join(dir, 'default.json');
    train(
      [
        ...['--input', data, '--out', out, '--name', 'purchase-propensity', '--version', '1.0.0'],
        ...['--seed', '1', '--l2', '1', '--created-at', '2026-11-24T00:00:00Z'],
      ],
      quiet,
    );
    const shipped = readFileSync(new URL('../../models/default.json', import.meta.url), 'utf8');
    expect(readFileSync(out, 'utf8')).toBe(shipped);
  });

  it('refuses bad arguments and bad data with a message', () => {
    expect(() => train(['--input', 'x'], quiet)).toThrow(/^usage: train/);
    expect(() => generateData(['--out', join(dir, 'x'), '--rows', '0'], quiet)).toThrow(
      '--rows must be a positive integer',
    );
    const data = join(dir, 'small.ndjson');
    generateData(['--seed', '2', '--rows', '500', '--out', data], quiet);
    expect(() =>
      train(['--input', data, '--out', join(dir, 'm.json'), '--created-at', 'yesterday'], quiet),
    ).toThrow('--created-at must be an ISO-8601 timestamp');
    expect(() =>
      train(['--input', data, '--out', join(dir, 'm.json'), '--l2', 'lots'], quiet),
    ).toThrow('--l2 is invalid');
  });

  it('reports log loss, ROC AUC and a calibration table', () => {
    const data = join(dir, 'report.ndjson');
    generateData(['--seed', '3', '--rows', '4000', '--out', data], quiet);
    const lines: string[] = [];
    const report = train(
      ['--input', data, '--out', join(dir, 'r.json'), '--created-at', '2026-01-01T00:00:00Z'],
      (l) => lines.push(l),
    );
    expect(report.holdoutRows).toBe(800);
    expect(lines.join('\n')).toMatch(/holdout {2}log loss 0\.\d{4} {2}ROC AUC 0\.\d{4}/);
    expect(lines.some((l) => /^ +0\.1-0\.2 +\d+ +0\.1\d{3} +0\.\d{4}$/.test(l))).toBe(true);
    const model = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as {
      training: { metrics: Record<string, number> };
    };
    expect(model.training.metrics.holdoutRocAuc).toBe(report.holdout.rocAuc);
  });
});
