import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { type Logger, noTelemetry } from '../../src/ports.js';
import { createTelemetry } from '../../src/telemetry.js';

const loaded = (pkg: string) =>
  Object.keys(createRequire(import.meta.url).cache).filter((f) =>
    f.includes(`/node_modules/${pkg}/`),
  );

describe('createTelemetry', () => {
  it('is the no-op without a connection string, and loads no SDK for it', async () => {
    const said: string[] = [];
    const logger: Logger = {
      info: (m) => said.push(m),
      warn: (m) => said.push(m),
      error: (m) => said.push(m),
    };
    await expect(createTelemetry(undefined, logger)).resolves.toBe(noTelemetry);
    await expect(createTelemetry('', logger)).resolves.toBe(noTelemetry);
    expect(() => noTelemetry.trackEvent('ModelLoaded', { modelVersion: '1' })).not.toThrow();
    expect(said).toEqual([]);
    expect(loaded('applicationinsights')).toEqual([]);
    expect(loaded('@opentelemetry/api')).toEqual([]);

    // The check above can see the SDK: this file's process loads it now, through the CommonJS cache.
    await import('applicationinsights');
    expect(loaded('applicationinsights').length).toBeGreaterThan(0);
  });
});
