import {
  type ContainerDefinition,
  PartitionKeyDefinitionVersion,
  PartitionKeyKind,
} from '@azure/cosmos';

export type ContainerShape = Required<Pick<ContainerDefinition, 'partitionKey' | 'indexingPolicy'>>;

const hashPartitionKey = (path: string) => ({
  paths: [path],
  kind: PartitionKeyKind.Hash,
  version: PartitionKeyDefinitionVersion.V2,
});

/*
 * Each container indexes only what its queries filter or sort on. The partition key path is
 * included because the queries also filter on it and Cosmos DB does not index it by itself; id and
 * _ts are always indexed.
 */

/** Scored events: one document per event, id = eventId, a logical partition per user. */
export const scoresContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/userId'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/userId/?' }, { path: '/occurredAt/?' }],
    excludedPaths: [{ path: '/*' }],
    // Serves ORDER BY c.occurredAt DESC, c.id DESC, the keyset order of a user's list.
    compositeIndexes: [
      [
        { path: '/occurredAt', order: 'descending' },
        { path: '/id', order: 'descending' },
      ],
    ],
  },
};

/** Daily activity: { id: cosmosIdOf(userId), day, userId }, a logical partition per day, counted with COUNT(1). */
export const activityContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/day'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/day/?' }],
    excludedPaths: [{ path: '/*' }],
  },
};

/** Dead letters: { id: key, day, reason, body, at }, only ever read by people, by day. */
export const deadLetterContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/day'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [],
    excludedPaths: [{ path: '/*' }],
  },
};

/** API keys: { id: keyId, ...record }, read by id (a point read) and listed only by key management. */
export const keysContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/id'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [],
    excludedPaths: [{ path: '/*' }],
  },
};

/** Suppressed users: { id: cosmosIdOf(userId), userId, suppressedAt, keyId }, a partition per user; read whole. */
export const suppressionsContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/userId'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [],
    excludedPaths: [{ path: '/*' }],
  },
};

/** The audit log: { id, partition: 'audit', at, actor, action, target }, one partition, paged by at. */
export const auditContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/partition'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/partition/?' }, { path: '/at/?' }],
    excludedPaths: [{ path: '/*' }],
    compositeIndexes: [
      [
        { path: '/at', order: 'descending' },
        { path: '/id', order: 'descending' },
      ],
    ],
  },
};

/**
 * Deletion requests and their ledger (cosmosDeletionLedger.ts): { id, partition: 'deletions',
 * state, ...request }, one logical partition, outside backups. unfinished() filters on state.
 */
export const deletionsContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/partition'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/partition/?' }, { path: '/state/?' }],
    excludedPaths: [{ path: '/*' }],
  },
};

/**
 * Per-day analytics, a logical partition per day: a small document per stored event, cohort
 * memberships, the day's stale mark and rollup (see cosmosAnalytics.ts). Queries filter on k only.
 */
export const dailyEventsContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/day'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/day/?' }, { path: '/k/?' }],
    excludedPaths: [{ path: '/*' }],
  },
};

/** Each user's first stored day, { id: cosmosIdOf(userId), userId, firstDay }: point reads only. */
export const usersContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/userId'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [],
    excludedPaths: [{ path: '/*' }],
  },
};

/**
 * Identity links, alias lists and profiles of people and groups (see cosmosIdentity.ts): point
 * reads, and one query on k inside a person's partition for its linked ids.
 */
export const identitiesContainer: ContainerShape = {
  partitionKey: hashPartitionKey('/userId'),
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/userId/?' }, { path: '/k/?' }],
    excludedPaths: [{ path: '/*' }],
  },
};
