import { v5 as uuidv5, validate } from 'uuid';

/** Fixed for good: changing it would give every re-sent message a new eventId. */
export const COMPAT_ID_NAMESPACE = '4dee7f2a-d4e0-400f-94ef-7b29ce9f7618';

/** The eventId of a client's message id: the same key and id always give the same UUID. */
export function derivedEventId(keyId: string, messageId: string): string {
  return uuidv5(`${keyId}\n${messageId}`, COMPAT_ID_NAMESPACE);
}

/** PostHog's `uuid`: a valid UUID is kept (lower-cased), anything else is derived like a Segment messageId. */
export function posthogEventId(keyId: string, uuid: string): string {
  return validate(uuid) ? uuid.toLowerCase() : derivedEventId(keyId, uuid);
}
