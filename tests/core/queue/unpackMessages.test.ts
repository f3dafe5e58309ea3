import { describe, expect, it } from 'vitest';

import { unpackMessages } from '../../../src/core/queue/unpackMessages.js';

const key = (i: number) => `m${i}`;
const trace = (i: number) => (i === 1 ? 'tp-1' : undefined);

describe('unpackMessages', () => {
  it('gives each event of a packed message, keyed by message and position, with its trace', () => {
    const a = { eventId: 'a' };
    const b = { eventId: 'b' };
    expect(unpackMessages([{ eventId: 'x' }, { events: [a, b] }], key, trace)).toEqual([
      { body: { eventId: 'x' }, key: 'm0', traceparent: undefined },
      { body: a, key: 'm1#0', traceparent: 'tp-1' },
      { body: b, key: 'm1#1', traceparent: 'tp-1' },
    ]);
  });

  it('takes anything else as one event, to be validated (and dead-lettered) by the scorer', () => {
    const odd = [null, 'text', [1, 2], { events: 'no' }, { eventId: 'e', events: [] }];
    expect(unpackMessages(odd, key, () => undefined).map((e) => e.body)).toEqual(odd);
  });

  it('gives nothing for an empty packed message', () => {
    expect(unpackMessages([{ events: [] }], key, () => undefined)).toEqual([]);
  });
});
