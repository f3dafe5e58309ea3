import type { ClientEvent } from '../event.js';
import { amountOf } from './amountOf.js';
import { derivedEventId } from './compatEventId.js';
import { correctedTime } from './correctedTime.js';
import { isObject, type MapDeps, type MappedMessage, rejected } from './mappedMessage.js';
import { PropertyBag } from './propertyBag.js';
import { toEventType } from './toEventType.js';
import { toUserId } from './toUserId.js';

export const segmentTypes = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof segmentTypes)[number];

export const MAX_MESSAGE_ID_LENGTH = 100;

/** Fields read into the event, and fields with no meaning here (`integrations` configures destinations). */
const MAPPED = new Set([
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'event',
  'name',
  'category',
  'groupId',
  'previousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'properties',
  'traits',
  'context',
]);
const IGNORED = new Set([
  'integrations',
  'writeKey',
  'receivedAt',
  '_metadata',
  'channel',
  'version',
]);

const isSegmentType = (v: unknown): v is SegmentType =>
  typeof v === 'string' && (segmentTypes as readonly string[]).includes(v);

/**
 * One message of the Segment HTTP Tracking API as our event (the README's "Segment" table).
 * `callType` is the endpoint's type (`v1/track`), `batchSentAt` and `batchContext` the batch's
 * `sentAt` and `context` (the message's own context keys win).
 */
export function mapSegmentMessage(
  raw: unknown,
  options: { callType?: SegmentType; batchSentAt?: unknown; batchContext?: unknown },
  deps: MapDeps,
): MappedMessage {
  if (!isObject(raw)) {
    return rejected(null, {
      path: '(root)',
      code: 'invalid_type',
      message: 'a message must be an object',
    });
  }
  let messageId: string | null = null;
  if (raw.messageId !== undefined && raw.messageId !== null) {
    if (
      typeof raw.messageId !== 'string' ||
      raw.messageId === '' ||
      raw.messageId.length > MAX_MESSAGE_ID_LENGTH
    ) {
      return rejected(null, {
        path: 'messageId',
        code: 'invalid_message_id',
        message: `must be a string of 1-${MAX_MESSAGE_ID_LENGTH} characters`,
      });
    }
    messageId = raw.messageId;
  }
  const callType = options.callType ?? raw.type;
  if (!isSegmentType(callType)) {
    return rejected(messageId, {
      path: 'type',
      code: 'invalid_type',
      message: `must be one of ${segmentTypes.join(', ')}`,
    });
  }
  const user = toUserId(
    { value: raw.userId, path: 'userId' },
    { value: raw.anonymousId, path: 'anonymousId' },
  );
  if (!user.ok) return rejected(messageId, user.error);

  const bag = new PropertyBag();
  bag.set('segment.type', callType);
  let type: string = callType;
  if (callType === 'track') {
    if (typeof raw.event !== 'string' || raw.event === '') {
      return rejected(messageId, {
        path: 'event',
        code: 'required',
        message: 'a track call needs an event name',
      });
    }
    const mapped = toEventType(raw.event);
    if (mapped === undefined) {
      return rejected(messageId, {
        path: 'event',
        code: 'invalid_event_name',
        message: 'must contain at least one letter or digit',
      });
    }
    type = mapped;
  }
  if (messageId !== null) bag.set('segment.messageId', messageId);
  for (const field of ['event', 'name', 'category', 'groupId', 'previousId']) {
    const v = raw[field];
    if (v !== undefined) bag.add(`segment.${field}`, v);
  }
  const hasUserId = raw.userId !== undefined && raw.userId !== null && raw.userId !== '';
  if (hasUserId && raw.anonymousId !== undefined && raw.anonymousId !== null) {
    bag.add('segment.anonymousId', raw.anonymousId);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!MAPPED.has(key) && !IGNORED.has(key)) bag.add(`segment.${key}`, value);
  }
  if (raw.properties !== undefined) bag.add('', raw.properties);
  if (raw.traits !== undefined) bag.add('traits', raw.traits);
  const context =
    isObject(options.batchContext) && isObject(raw.context)
      ? { ...options.batchContext, ...raw.context }
      : (raw.context ?? options.batchContext);
  if (context !== undefined) bag.add('context', context);
  const properties = bag.result();
  if (!properties.ok) return rejected(messageId, ...properties.errors);

  const timestamp = raw.timestamp ?? raw.originalTimestamp;
  const time = correctedTime(
    { value: timestamp, path: raw.timestamp !== undefined ? 'timestamp' : 'originalTimestamp' },
    raw.sentAt !== undefined
      ? { value: raw.sentAt, path: 'sentAt' }
      : { value: options.batchSentAt, path: '(batch).sentAt' },
    deps.now,
  );
  if (!time.ok) return rejected(messageId, time.error);

  const event: ClientEvent = {
    eventId: messageId !== null ? derivedEventId(deps.keyId, messageId) : deps.newId(),
    userId: user.userId,
    type,
  };
  if (time.occurredAt !== undefined) event.occurredAt = time.occurredAt;
  const amount = amountOf(raw.properties);
  if (amount !== undefined) event.amount = amount;
  if (properties.properties) event.properties = properties.properties;
  return { ok: true, messageId, event };
}
