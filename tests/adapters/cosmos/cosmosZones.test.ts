import { randomUUID } from 'node:crypto';

import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { useCosmosServer } from '../../support/cosmosServer.js';
import { ORACLE_ZONES, zoneOracleContract } from '../zoneOracleContract.js';

const cosmos = useCosmosServer();

zoneOracleContract('cosmos', ORACLE_ZONES, async (zone) => {
  const database = `zones-${randomUUID()}`;
  const store = await createCosmosStore(cosmos.client, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
    timeZone: zone,
  });
  return {
    store,
    async cleanup() {
      await store.close();
      await cosmos.client.database(database).delete();
    },
  };
});
