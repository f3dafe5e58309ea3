import { describe, expect, it } from 'vitest';

import type { TimerFunction } from '../../src/functionTypes.js';
import { startTimers } from '../../src/local/startTimers.js';
import { quietLogger } from '../support/localHost.js';
import { testDeps } from '../support/testDeps.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function counting(fail = false) {
  const runs = { started: 0, finished: 0, overlapping: 0 };
  let inside = 0;
  const timer: TimerFunction = {
    name: 'counter',
    trigger: { type: 'timer', schedule: '0 */5 * * * *', everyMinutes: 5 },
    create: () => async () => {
      runs.started += 1;
      inside += 1;
      if (inside > 1) runs.overlapping += 1;
      await sleep(30);
      inside -= 1;
      runs.finished += 1;
      if (fail) throw new Error('boom');
    },
  };
  return { timer, runs };
}

describe('the local host scheduler', () => {
  it('runs each timer soon after start, never twice at once, and stops', async () => {
    const { timer, runs } = counting();
    const timers = startTimers([timer], testDeps(), { firstRunMs: 10 });
    await sleep(80);
    expect(runs.started).toBe(1);
    await Promise.all([timers.runAll(), timers.runAll()]);
    expect(runs.overlapping).toBe(0);
    await timers.stop();
    const after = runs.started;
    await sleep(50);
    expect(runs.started).toBe(after);
  });

  it('logs a failed run and keeps going', async () => {
    const { timer, runs } = counting(true);
    const deps = { ...testDeps(), logger: quietLogger };
    const timers = startTimers([timer], deps, { firstRunMs: 3_600_000 });
    await timers.runAll();
    await timers.runAll();
    expect(runs.finished).toBe(2);
    expect(quietLogger.lines).toContain('counter failed: boom');
    await timers.stop();
  });
});
