import type { IdentityStore } from '../../../ports/index.js';

/**
 * The ids a deletion erases: for each id asked for, the person it counts as and every id linked to
 * that person, so no figure is left counting a part of someone. Sorted, each once. Cost: one
 * person lookup per id asked for.
 */
export async function resolveErasedIds(
  identity: Pick<IdentityStore, 'person'>,
  userIds: readonly string[],
): Promise<string[]> {
  const erased = new Set<string>();
  for (const userId of userIds) {
    erased.add(userId);
    const { personId, linkedIds } = await identity.person(userId);
    erased.add(personId);
    for (const id of linkedIds) erased.add(id);
  }
  return [...erased].sort();
}
