import type { CosmosStoreOptions } from '../adapters/cosmos/cosmosStore.js';
import type { Config } from '../config.js';

/** The Cosmos DB store's containers and behaviour, from the settings: one place for every opener. */
export function cosmosStoreOptions(config: Config): CosmosStoreOptions {
  return {
    database: config.COSMOS_DATABASE,
    scoresContainer: config.COSMOS_SCORES_CONTAINER,
    activityContainer: config.COSMOS_ACTIVITY_CONTAINER,
    dailyEventsContainer: config.COSMOS_DAILY_EVENTS_CONTAINER,
    usersContainer: config.COSMOS_USERS_CONTAINER,
    identitiesContainer: config.COSMOS_IDENTITIES_CONTAINER,
    deadLetterContainer: config.COSMOS_DEADLETTER_CONTAINER,
    timeZone: config.TIMEZONE,
    createIfMissing: config.COSMOS_CREATE_IF_MISSING,
  };
}
