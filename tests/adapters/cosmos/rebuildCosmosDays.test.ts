import { randomUUID } from 'node:crypto';

import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { rebuildCosmosDays } from '../../../src/adapters/cosmos/rebuildCosmosDays.js';
import { useCosmosServer } from '../../support/cosmosServer.js';
import { rebuildDaysContract } from '../rebuildDaysContract.js';

const cosmos = useCosmosServer();

rebuildDaysContract('cosmos', async () => {
  const options = {
    database: `rebuild-${randomUUID()}`,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    createIfMissing: true,
  };
  return {
    open: (zone) => createCosmosStore(cosmos.client, { ...options, timeZone: zone }),
    rebuild: (zone, onProgress) => rebuildCosmosDays(cosmos.client, options, zone, onProgress),
    cleanup: async () => {
      await cosmos.client.database(options.database).delete();
    },
  };
});
