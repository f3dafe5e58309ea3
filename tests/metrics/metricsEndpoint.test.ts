import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { createMetricsHandler } from '../../src/functions/metrics/metrics.js';
import { eventually } from '../support/localHost.js';
import { sample } from '../support/promText.js';
import { testDeps } from '../support/testDeps.js';

const main = 'dist/src/local/main.js';

// npm start as a user runs it: the scorer on its worker thread, whose figures must reach /api/metrics.
describe('GET /api/metrics on npm start', () => {
  beforeAll(() => {
    if (!existsSync(main))
      execFileSync(process.execPath, [
        'node_modules/typescript/bin/tsc',
        '-p',
        'tsconfig.build.json',
      ]);
  });

  it('reports ingest counts, and the scorer thread stores and lag, with JSON log lines', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scoring-metrics-'));
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await eventually(async () => /POST (http:\/\/\S+)\/api\/events/.exec(out)?.[1]);
      const id = '3b241101-e2bb-4255-8caf-4136c566a962';
      const res = await fetch(`${url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            { eventId: id, userId: 'metrics-user', type: 'signup' },
            { eventId: id.toUpperCase(), userId: 'metrics-user', type: 'signup' },
            { userId: 'metrics-user', type: 'page_view' },
            { userId: 'metrics-user' },
          ],
        }),
      });
      expect(res.status).toBe(202);
      const text = await eventually(async () => {
        const t = await (await fetch(`${url}/api/metrics`)).text();
        return (sample(t, 'events_stored_total') ?? 0) >= 2 ? t : undefined;
      });
      expect(sample(text, 'events_received_total{source="open"}')).toBe(4);
      expect(sample(text, 'events_accepted_total{source="open"}')).toBe(2);
      expect(sample(text, 'events_rejected_total{source="open"}')).toBe(1);
      expect(sample(text, 'events_duplicate_total{source="open"}')).toBe(1);
      expect(sample(text, 'ingest_request_duration_seconds_count')).toBe(1);
      expect(sample(text, 'store_write_duration_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'scorer_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'local_queue_depth_messages')).toBe(0);
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.function === 'ingest')).toMatchObject({
        level: 'info',
        message: 'request',
        status: 202,
        accepted: 2,
        rejected: 1,
        duplicates: 1,
      });
      expect(out).not.toContain('metrics-user');
      child.kill('SIGTERM');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('GET /api/metrics without a metrics source (Azure)', () => {
  it('answers 404 pointing at Application Insights', async () => {
    const res = await createMetricsHandler(testDeps())();
    expect(res.status).toBe(404);
    expect(res.jsonBody).toMatchObject({ error: { code: 'metrics_in_application_insights' } });
  });
});
