import type { ClientEvent } from '../event.js';
import { amountOf } from './amountOf.js';
import { posthogEventId } from './compatEventId.js';
import { correctedTime } from './correctedTime.js';
import { isObject, type MapDeps, type MappedMessage, rejected } from './mappedMessage.js';
import { PropertyBag } from './propertyBag.js';
import { toEventType } from './toEventType.js';
import { toUserId } from './toUserId.js';

const MAPPED = new Set([
  'event',
  'distinct_id',
  'properties',
  'timestamp',
  'uuid',
  'sent_at',
  '$set',
  '$set_once',
]);
/** `api_key` and `token` are the write key: never stored. `type` is always `capture`. */
const IGNORED = new Set(['api_key', 'token', 'type']);
const SECRET_PROPERTIES = new Set(['token', '$token', 'api_key']);

/**
 * One PostHog capture message as our event (the README's "PostHog" table). `batchSentAt` is the
 * batch's `sent_at`, used when the message has none.
 */
export function mapPosthogMessage(
  raw: unknown,
  options: { batchSentAt?: unknown },
  deps: MapDeps,
): MappedMessage {
  if (!isObject(raw)) {
    return rejected(null, {
      path: '(root)',
      code: 'invalid_type',
      message: 'an event must be an object',
    });
  }
  const messageId = typeof raw.uuid === 'string' && raw.uuid !== '' ? raw.uuid : null;
  if (messageId !== null && messageId.length > 100) {
    return rejected(null, {
      path: 'uuid',
      code: 'invalid_message_id',
      message: 'must be at most 100 characters',
    });
  }
  if (typeof raw.event !== 'string' || raw.event === '') {
    return rejected(messageId, {
      path: 'event',
      code: 'required',
      message: 'an event name is required',
    });
  }
  const type = toEventType(raw.event);
  if (type === undefined) {
    return rejected(messageId, {
      path: 'event',
      code: 'invalid_event_name',
      message: 'must contain at least one letter or digit',
    });
  }
  const props = isObject(raw.properties) ? raw.properties : undefined;
  if (raw.properties !== undefined && raw.properties !== null && props === undefined) {
    return rejected(messageId, {
      path: 'properties',
      code: 'invalid_type',
      message: 'must be an object',
    });
  }
  const user = toUserId(
    raw.distinct_id !== undefined
      ? { value: raw.distinct_id, path: 'distinct_id' }
      : { value: props?.distinct_id, path: 'properties.distinct_id' },
  );
  if (!user.ok) return rejected(messageId, user.error);

  const bag = new PropertyBag();
  bag.set('posthog.event', raw.event);
  if (messageId !== null && messageId.toLowerCase() !== posthogEventId(deps.keyId, messageId)) {
    bag.set('posthog.uuid', messageId);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!MAPPED.has(key) && !IGNORED.has(key)) bag.add(`posthog.${key}`, value);
  }
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (
        !SECRET_PROPERTIES.has(key) &&
        !(key === 'distinct_id' && raw.distinct_id === undefined)
      ) {
        bag.add(key, value);
      }
    }
  }
  if (raw.$set !== undefined) bag.add('$set', raw.$set);
  if (raw.$set_once !== undefined) bag.add('$set_once', raw.$set_once);
  const properties = bag.result();
  if (!properties.ok) return rejected(messageId, ...properties.errors);

  const time = correctedTime(
    { value: raw.timestamp, path: 'timestamp' },
    raw.sent_at !== undefined
      ? { value: raw.sent_at, path: 'sent_at' }
      : { value: options.batchSentAt, path: '(batch).sent_at' },
    deps.now,
  );
  if (!time.ok) return rejected(messageId, time.error);

  const event: ClientEvent = {
    eventId: messageId !== null ? posthogEventId(deps.keyId, messageId) : deps.newId(),
    userId: user.userId,
    type,
  };
  if (time.occurredAt !== undefined) event.occurredAt = time.occurredAt;
  const amount = amountOf(props);
  if (amount !== undefined) event.amount = amount;
  if (properties.properties) event.properties = properties.properties;
  return { ok: true, messageId, event };
}
