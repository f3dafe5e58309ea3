import { randomUUID } from 'node:crypto';

import { createCosmosStore } from '../../src/adapters/cosmos/cosmosStore.js';
import { dayDocumentsContract } from '../adapters/dayDocumentsContract.js';
import { useCosmosServer } from '../support/cosmosServer.js';

const cosmos = useCosmosServer();

dayDocumentsContract('cosmos', async () => {
  const database = `test-${randomUUID()}`;
  const store = await createCosmosStore(cosmos.client, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
  });
  return {
    store,
    async cleanup() {
      await cosmos.client.database(database).delete();
    },
  };
});
