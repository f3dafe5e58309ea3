import { randomUUID } from 'node:crypto';

import { keysContainer, suppressionsContainer } from '../../../src/adapters/cosmos/containers.js';
import { openCosmosBackupSource } from '../../../src/adapters/cosmos/cosmosBackupSource.js';
import { createCosmosDeadLetterSink } from '../../../src/adapters/cosmos/cosmosDeadLetterSink.js';
import { openCosmosRestoreTarget } from '../../../src/adapters/cosmos/cosmosRestoreTarget.js';
import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { openContainer } from '../../../src/adapters/cosmos/openContainer.js';
import { cosmosBackupContainers } from '../../../src/backup/cosmosBackupContainers.js';
import { useCosmosServer } from '../../support/cosmosServer.js';
import { backupContract } from '../backupContract.js';

const cosmos = useCosmosServer();

const names = {
  COSMOS_SCORES_CONTAINER: 'scores',
  COSMOS_ACTIVITY_CONTAINER: 'daily-activity',
  COSMOS_DEADLETTER_CONTAINER: 'deadletters',
  COSMOS_API_KEYS_CONTAINER: 'keys',
  COSMOS_DAILY_EVENTS_CONTAINER: 'daily-events',
  COSMOS_USERS_CONTAINER: 'users',
  COSMOS_IDENTITIES_CONTAINER: 'identities',
  COSMOS_SUPPRESSIONS_CONTAINER: 'suppressions',
};
const openStore = async (database: string) => {
  const store = await createCosmosStore(cosmos.client, {
    database,
    scoresContainer: names.COSMOS_SCORES_CONTAINER,
    activityContainer: names.COSMOS_ACTIVITY_CONTAINER,
    deadLetterContainer: names.COSMOS_DEADLETTER_CONTAINER,
    dailyEventsContainer: names.COSMOS_DAILY_EVENTS_CONTAINER,
    usersContainer: names.COSMOS_USERS_CONTAINER,
    identitiesContainer: names.COSMOS_IDENTITIES_CONTAINER,
    createIfMissing: true,
  });
  // The key store's container, as the access adapter (or Bicep) creates it.
  await openContainer(
    cosmos.client,
    database,
    names.COSMOS_API_KEYS_CONTAINER,
    keysContainer,
    true,
  );
  const suppressions = names.COSMOS_SUPPRESSIONS_CONTAINER;
  await openContainer(cosmos.client, database, suppressions, suppressionsContainer, true);
  return store;
};

/** The point in time has whole-second resolution: start it in a later second than the writes. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));

backupContract('cosmos', async () => {
  const database = `backup-${randomUUID()}`;
  const store = await openStore(database);
  const deadLetters = createCosmosDeadLetterSink(
    cosmos.client.database(database).container(names.COSMOS_DEADLETTER_CONTAINER),
  );
  const created = [database];
  return {
    store,
    deadLetters,
    async openSource() {
      await nextSecond();
      return openCosmosBackupSource(cosmos.client, {
        database,
        containers: [...cosmosBackupContainers(names).keys()],
        endpoint: cosmos.server.endpoint,
      });
    },
    async openEmpty() {
      const restored = `restored-${randomUUID()}`;
      created.push(restored);
      const target = openCosmosRestoreTarget(cosmos.client, {
        database: restored,
        shapes: cosmosBackupContainers(names),
        createIfMissing: true,
      });
      return { target, store: await openStore(restored) };
    },
    async cleanup() {
      for (const id of created)
        await cosmos.client
          .database(id)
          .delete()
          .catch(() => undefined);
    },
  };
});
