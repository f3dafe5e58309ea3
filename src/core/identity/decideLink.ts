/** What the store knows about the two ids of a link, read before deciding. */
export interface LinkFacts {
  previousId: string;
  userId: string;
  /** The person `previousId` is linked to already, if any. */
  previousLinkedTo: string | undefined;
  /** Whether other ids are linked to `previousId` (it is an identified person). */
  previousHasLinks: boolean;
  /** The person `userId` is linked to, if `userId` is itself a linked id. */
  userLinkedTo: string | undefined;
}

export type LinkDecision =
  | { kind: 'record'; aliasId: string; personId: string }
  | { kind: 'known'; personId: string }
  | {
      kind: 'refuse';
      reason: 'previous_id_linked_elsewhere' | 'previous_id_identified';
      personId: string;
    };

/**
 * The merge rule (PostHog's): a link only ever joins an id that is not yet anyone's to a person.
 * - The person is `userId`, or the person `userId` is linked to: links are one hop, never chains.
 * - Already linked to that person (or the same id): known, nothing to do.
 * - `previousId` linked to another person: refused (it would merge two people).
 * - `previousId` has ids linked to it: it is an identified person; refused.
 */
export function decideLink(facts: LinkFacts): LinkDecision {
  const personId = facts.userLinkedTo ?? facts.userId;
  if (facts.previousId === personId || facts.previousLinkedTo === personId)
    return { kind: 'known', personId };
  if (facts.previousLinkedTo !== undefined)
    return { kind: 'refuse', reason: 'previous_id_linked_elsewhere', personId };
  if (facts.previousHasLinks) return { kind: 'refuse', reason: 'previous_id_identified', personId };
  return { kind: 'record', aliasId: facts.previousId, personId };
}
