import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { createTelemetry } from '../../src/adapters/telemetry/createTelemetry.js';
import { noTelemetry } from '../../src/adapters/telemetry/noTelemetry.js';
import type { Logger } from '../../src/ports/index.js';

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
