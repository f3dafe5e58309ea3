import type { Container, CosmosClient } from '@azure/cosmos';

import type { ContainerShape } from './containers.js';

/**
 * A handle on a container. With createIfMissing (the emulator, tests, local runs) the database and
 * container are created first; on Azure the infrastructure creates them, since a data-plane role
 * cannot.
 */
export async function openContainer(
  client: CosmosClient,
  databaseId: string,
  containerId: string,
  shape: ContainerShape,
  createIfMissing: boolean,
): Promise<Container> {
  if (!createIfMissing) return client.database(databaseId).container(containerId);
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const { container } = await database.containers.createIfNotExists({ id: containerId, ...shape });
  return container;
}
