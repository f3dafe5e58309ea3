import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createAnalyticsWriter } from '../../../src/adapters/cosmos/cosmosAnalytics.js';
import { createCosmosIdentity } from '../../../src/adapters/cosmos/cosmosIdentity.js';
import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { defaultBulkRetryPolicy } from '../../../src/adapters/cosmos/executeBulk.js';
import { useCosmosServer } from '../../support/cosmosServer.js';
import { scoredEvent } from '../storeContract.js';

const cosmos = useCosmosServer();

const t = (day: number, hour: number) => new Date(Date.UTC(2026, 6, day, hour)).toISOString();

describe('createCosmosIdentity', () => {
  it('moves again what a writer counted under an id linked while it was writing', async () => {
    const database = `identity-${randomUUID()}`;
    const store = await createCosmosStore(cosmos.client, {
      database,
      scoresContainer: 'scores',
      activityContainer: 'daily-activity',
      createIfMissing: true,
    });
    const db = cosmos.client.database(database);
    const containers = {
      scores: db.container('scores'),
      activity: db.container('daily-activity'),
      dailyEvents: db.container('daily-events'),
      users: db.container('users'),
      identities: db.container('identities'),
    };
    await store.write([scoredEvent('anon:r', t(1, 9)), scoredEvent('rae', t(2, 8))]);

    // A second writer stores a late anonymous event and reads the links: none yet.
    const late = scoredEvent('anon:r', t(3, 9));
    await containers.scores.items.create({ ...late, id: late.eventId });
    const writer = createAnalyticsWriter(containers, defaultBulkRetryPolicy);
    const identity = createCosmosIdentity(containers, { retry: defaultBulkRetryPolicy });
    const persons = await identity.attribute([late], writer);
    expect(persons.attribute(late).userId).toBe('anon:r');

    // The link lands and moves anon:r; then the second writer's analytics land, under anon:r.
    await store.write([
      scoredEvent('rae', t(2, 9), { link: { previousId: 'anon:r', via: 'identify' } }),
    ]);
    await writer.write([persons.attribute(late)]);
    const retention = () =>
      store.retention({ start: '2026-07-01', intervalDays: 1, cohorts: 3, windows: 2 });
    expect((await retention()).map((c) => c.size)).toEqual([1, 0, 1]);

    await persons.settle();
    expect(await retention()).toEqual([
      { cohort: '2026-07-01', size: 1, retained: [1, 1, 1] },
      { cohort: '2026-07-02', size: 0, retained: [0, 0, 0] },
      { cohort: '2026-07-03', size: 0, retained: [0, 0, 0] },
    ]);
    expect(await store.dailyActiveUsers('2026-07-01', '2026-07-03')).toEqual([
      { day: '2026-07-01', activeUsers: 1 },
      { day: '2026-07-02', activeUsers: 1 },
      { day: '2026-07-03', activeUsers: 1 },
    ]);
    expect(await store.userSummary('anon:r')).toMatchObject({ userId: 'rae', events: 4 });
    await db.delete();
  });
});
