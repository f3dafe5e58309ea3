import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { newDeletionRequest } from '../../src/core/privacy/deletion/deletionRequestBody.js';
import { createScorerHandler } from '../../src/functions/scorer.js';
import type { ScoreStore } from '../../src/ports/index.js';
import { testDeps } from '../support/testDeps.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event = (n: number) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  userId: `user-${n % 3}`,
  type: 'click',
  occurredAt: '2026-11-24T10:00:00.000Z',
  receivedAt: '2026-11-24T10:00:01.000Z',
});

/** The context the Functions host gives a Service Bus trigger with cardinality many. */
function hostContext(messages: unknown[]) {
  return new InvocationContext({
    functionName: 'scorer',
    triggerMetadata: {
      messageIdArray: messages.map((_, i) => `msg-${i}`),
      deliveryCountArray: messages.map(() => 1),
      applicationPropertiesArray: messages.map(() => ({
        schemaVersion: 1,
        traceparent: TRACEPARENT,
      })),
    },
  });
}

describe('scorer', () => {
  it('drops the queued events of a deleted person received up to the cut-off, before archive and store', async () => {
    const deps = testDeps();
    await deps.deletions.ledger.create(
      newDeletionRequest({
        id: 'req-1',
        userIds: ['user-1'],
        erasedIds: ['user-1'],
        suppress: false,
        keyId: 'k',
        now: Date.parse('2026-11-24T10:00:01.000Z'),
      }),
    );
    const later = { ...event(4), receivedAt: '2026-11-24T10:00:02.000Z' };
    const messages = [event(1), event(2), later];
    await createScorerHandler(deps)(messages, hostContext(messages));
    const ids = async (userId: string) =>
      (await deps.store.userScores({ userId, limit: 10 })).items.map((i) => i.eventId);
    // event(1) and event(4) are user-1's: the first was received at the cut-off, the second after it.
    expect(await ids('user-1')).toEqual([later.eventId]);
    expect(await ids('user-2')).toEqual([event(2).eventId]);
    expect(deps.recorded.archived.map((e) => e.eventId)).toEqual([event(2).eventId, later.eventId]);
    expect(deps.recorded.metrics).toContainEqual(
      expect.objectContaining({ name: 'ErasedEventsDropped', value: 1 }),
    );
  });

  it('stores every valid message and sets the invalid ones aside with their reason', async () => {
    const deps = testDeps();
    const messages = [event(1), { ...event(2), userId: 'bad\u0000user' }, 'not json', event(3)];
    await createScorerHandler(deps)(messages, hostContext(messages));
    expect(deps.recorded.deadLetters.map((d) => [d.key, d.reason.split(':')[0]])).toEqual([
      ['msg-1', 'invalid_message'],
      ['msg-2', 'invalid_message'],
    ]);
    expect(deps.recorded.events.filter((e) => e.name === 'MessageDeadLettered')).toHaveLength(2);
    const page = await deps.store.userScores({ userId: 'user-1', limit: 10 });
    expect(page.items.map((i) => i.eventId)).toEqual([event(1).eventId]);
    expect(page.items[0]).toMatchObject({
      score: 0.4,
      model: { name: 'test-model', version: '1.0.0' },
      day: '2026-11-24',
    });
    expect(deps.recorded.events.find((e) => e.name === 'EventsScored')).toEqual({
      name: 'EventsScored',
      properties: { count: 2, modelVersion: '1.0.0' },
      traceparent: TRACEPARENT,
    });
    expect(deps.recorded.events.find((e) => e.name === 'MessageDeadLettered')?.traceparent).toBe(
      TRACEPARENT,
    );
  });

  it('throws on a store failure so the batch is redelivered, and the redelivery counts once', async () => {
    const deps = testDeps();
    const real = deps.store;
    let failures = 1;
    const flaky: ScoreStore = {
      ...real,
      write: async (docs) => {
        if (failures-- > 0) throw new Error('store unavailable');
        return real.write(docs);
      },
    };
    const handler = createScorerHandler({ ...deps, store: flaky });
    const messages = [event(1), event(4), event(7)];
    await expect(handler(messages, hostContext(messages))).rejects.toThrow('store unavailable');
    await handler(messages, hostContext(messages));
    await handler(messages, hostContext(messages));
    const page = await real.userScores({ userId: 'user-1', limit: 10 });
    expect(page.items).toHaveLength(3);
    expect(await real.dailyActiveUsers('2026-11-24', '2026-11-24')).toEqual([
      { day: '2026-11-24', activeUsers: 1 },
    ]);
  });

  it('refuses the batch while no valid model is loaded, so messages stay queued', async () => {
    const deps = testDeps({ scorer: undefined });
    await expect(createScorerHandler(deps)([event(1)], hostContext([event(1)]))).rejects.toThrow(
      /no valid model/,
    );
    expect((await deps.store.userScores({ userId: 'user-1', limit: 1 })).items).toHaveLength(0);
  });
});

describe('scorer and the raw archive', () => {
  it('archives the scorable events as accepted, with their traceparent', async () => {
    const deps = testDeps();
    const messages = [event(1), 'not json', { ...event(2), source: 'web' }];
    await createScorerHandler(deps)(messages, hostContext(messages));
    expect(deps.recorded.archived).toEqual([
      { ...event(1), traceparent: TRACEPARENT },
      { ...event(2), source: 'web', traceparent: TRACEPARENT },
    ]);
  });

  it('throws when the archive fails, so the batch is redelivered, archived and stored once', async () => {
    const deps = testDeps();
    const working = deps.archive;
    deps.archive = {
      ...deps.archive,
      append: async () => {
        throw new Error('archive unavailable');
      },
    };
    const messages = [event(1), event(4)];
    await expect(createScorerHandler(deps)(messages, hostContext(messages))).rejects.toThrow(
      'archive unavailable',
    );
    expect(deps.recorded.archived).toEqual([]);
    deps.archive = working;
    await createScorerHandler(deps)(messages, hostContext(messages));
    expect(deps.recorded.archived.map((e) => e.eventId)).toEqual([
      event(1).eventId,
      event(4).eventId,
    ]);
    const { items } = await deps.store.userScores({ userId: 'user-1', limit: 10 });
    expect(items.map((i) => i.eventId)).toEqual([event(4).eventId, event(1).eventId]);
  });
});
