import {
  activityContainer,
  type ContainerShape,
  dailyEventsContainer,
  deadLetterContainer,
  identitiesContainer,
  keysContainer,
  scoresContainer,
  suppressionsContainer,
  usersContainer,
} from '../adapters/cosmos/containers.js';
import type { Config } from '../config.js';

type ContainerSettings = Pick<
  Config,
  | 'COSMOS_SCORES_CONTAINER'
  | 'COSMOS_ACTIVITY_CONTAINER'
  | 'COSMOS_DEADLETTER_CONTAINER'
  | 'COSMOS_API_KEYS_CONTAINER'
  | 'COSMOS_DAILY_EVENTS_CONTAINER'
  | 'COSMOS_USERS_CONTAINER'
  | 'COSMOS_IDENTITIES_CONTAINER'
  | 'COSMOS_SUPPRESSIONS_CONTAINER'
>;

/** The containers a Cosmos DB backup holds and a restore recreates: add a container with one line. */
export const cosmosBackupContainers = (config: ContainerSettings): Map<string, ContainerShape> =>
  new Map([
    [config.COSMOS_SCORES_CONTAINER, scoresContainer],
    [config.COSMOS_ACTIVITY_CONTAINER, activityContainer],
    [config.COSMOS_DEADLETTER_CONTAINER, deadLetterContainer],
    [config.COSMOS_API_KEYS_CONTAINER, keysContainer],
    [config.COSMOS_DAILY_EVENTS_CONTAINER, dailyEventsContainer],
    [config.COSMOS_USERS_CONTAINER, usersContainer],
    [config.COSMOS_IDENTITIES_CONTAINER, identitiesContainer],
    [config.COSMOS_SUPPRESSIONS_CONTAINER, suppressionsContainer],
  ]);
