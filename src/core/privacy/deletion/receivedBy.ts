/**
 * The one rule of a deletion's cut-off: an event is the deletion's when it was received at or
 * before `receivedUpTo` (events received later are kept). Throws on a cut-off that is not a time.
 */
export function receivedBy(receivedUpTo: string): (event: { receivedAt: string }) => boolean {
  const at = Date.parse(receivedUpTo);
  if (Number.isNaN(at)) throw new RangeError(`receivedUpTo is not a time: ${receivedUpTo}`);
  return (event) => Date.parse(event.receivedAt) <= at;
}

/** The events a deletion takes: of one of `userIds`, received by the cut-off. */
export function erasedBy(
  userIds: Iterable<string>,
  receivedUpTo: string,
): (event: { userId: string; receivedAt: string }) => boolean {
  const ids = new Set(userIds);
  const inTime = receivedBy(receivedUpTo);
  return (event) => ids.has(event.userId) && inTime(event);
}
