import type { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { createMessageScorer } from '../../src/local/scoreMessages.js';
import type { DeadLetter } from '../../src/ports.js';

const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';

describe('createMessageScorer', () => {
  it('unpacks each message into events with the trigger metadata the host would give', async () => {
    const calls: { messages: unknown[]; context: InvocationContext }[] = [];
    const dead: DeadLetter[] = [];
    const process = createMessageScorer(
      async (messages, context) => void calls.push({ messages, context }),
      { deadLetters: { put: async (items) => void dead.push(...items) } },
    );
    await process([
      {
        id: 7,
        body: JSON.stringify([{ eventId: ID1 }, { eventId: ID2 }]),
        deliveries: 2,
        traceparent: 'tp-1',
      },
      { id: 8, body: 'not json', deliveries: 1, traceparent: null },
      { id: 9, body: JSON.stringify([{ noId: true }]), deliveries: 1, traceparent: null },
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.messages).toEqual([{ eventId: ID1 }, { eventId: ID2 }, { noId: true }]);
    expect(calls[0]!.context.triggerMetadata).toEqual({
      messageIdArray: [ID1, ID2, '9:3'],
      deliveryCountArray: [2, 2, 1],
      applicationPropertiesArray: [{ traceparent: 'tp-1' }, { traceparent: 'tp-1' }, {}],
    });
    expect(dead).toEqual([
      {
        key: 'local-message-8',
        reason: 'invalid_message: body is not a JSON array of events',
        body: 'not json',
      },
    ]);
  });

  it('passes a handler failure on, so the lease is abandoned', async () => {
    const process = createMessageScorer(() => Promise.reject(new Error('store unavailable')), {
      deadLetters: { put: async () => undefined },
    });
    await expect(
      process([{ id: 1, body: '[{}]', deliveries: 1, traceparent: null }]),
    ).rejects.toThrow('store unavailable');
  });
});
