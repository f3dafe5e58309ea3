import { describe, expect, it } from 'vitest';

import { scoreEvent } from '../../src/core/scoreEvent.js';
import type { Scorer } from '../../src/ports.js';

const event = {
  eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
  userId: 'u1',
  type: 'purchase',
  occurredAt: '2026-11-24T23:30:00.000Z',
  receivedAt: '2026-11-25T00:00:01.000Z',
  amount: 12,
};
const scorer = (version: string, score: number): Scorer => ({
  name: 'm',
  version,
  score: () => ({ score, reasons: [{ feature: 'amount', contribution: 0.5 }] }),
});
const AT = '2026-11-25T00:00:02.000Z';

describe('scoreEvent', () => {
  it('builds the enriched document with the day of occurrence', () => {
    const out = scoreEvent(event, { champion: scorer('1', 0.25) }, AT);
    expect(out).toEqual({
      kind: 'ok',
      value: {
        ...event,
        day: '2026-11-24',
        score: 0.25,
        model: { name: 'm', version: '1' },
        reasons: [{ feature: 'amount', contribution: 0.5 }],
        scoredAt: AT,
      },
    });
  });

  it('adds the challenger score beside the champion', () => {
    const out = scoreEvent(
      event,
      { champion: scorer('1', 0.25), challenger: scorer('2', 0.75) },
      AT,
    );
    expect(out.kind === 'ok' && out.value.challenger).toEqual({
      name: 'm',
      version: '2',
      score: 0.75,
    });
  });

  it('accepts a JSON string body', () => {
    expect(scoreEvent(JSON.stringify(event), { champion: scorer('1', 0.1) }, AT).kind).toBe('ok');
  });

  it('dead-letters an invalid message with the field named', () => {
    const out = scoreEvent({ ...event, userId: '' }, { champion: scorer('1', 0.1) }, AT);
    expect(out.kind).toBe('deadLetter');
    expect(out.kind === 'deadLetter' && out.reason).toMatch(/^invalid_message: userId/);
    expect(scoreEvent('not json', { champion: scorer('1', 0.1) }, AT).kind).toBe('deadLetter');
  });

  it('dead-letters a score that is not a number', () => {
    expect(scoreEvent(event, { champion: scorer('1', NaN) }, AT)).toMatchObject({
      kind: 'deadLetter',
      reason: expect.stringMatching(/^unscorable/),
    });
  });
});

describe('scoreEvent: eventId case', () => {
  it('stores a queue message with an upper-case eventId under its lower-case id', () => {
    const out = scoreEvent(
      { ...event, eventId: event.eventId.toUpperCase() },
      { champion: scorer('1', 0.25) },
      AT,
    );
    expect(out.kind === 'ok' && out.value.eventId).toBe(event.eventId);
  });
});
