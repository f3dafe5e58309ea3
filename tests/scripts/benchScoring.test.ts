import { describe, expect, it } from 'vitest';

import { benchScoring } from '../../scripts/benchScoring.js';

describe('benchScoring', () => {
  it('measures a 20-column model (rates are checked by npm run bench, not here: CI machines vary)', () => {
    const result = benchScoring(50);
    expect(result.features).toBe(20);
    expect(result.eventsPerSecond).toBeGreaterThan(10_000);
    expect(result.logitEventsPerSecond).toBeGreaterThan(10_000);
  });
});
