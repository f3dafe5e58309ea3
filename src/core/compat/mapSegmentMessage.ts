import type { ClientEvent } from '../event.js';
import { amountOf } from './amountOf.js';
import { derivedEventId } from './compatEventId.js';
import { correctedTime } from './correctedTime.js';
import { isObject, type MapDeps, type MappedMessage, rejected } from './mappedMessage.js';
import { objectField, objectOf } from './objectField.js';
import { toEventType } from './toEventType.js';
import { ANONYMOUS_PREFIX, checkId, idText, toUserId } from './toUserId.js';

export const segmentTypes = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof segmentTypes)[number];

export const MAX_MESSAGE_ID_LENGTH = 100;
/** Segment has no group types: every group call is about a group of this type. */
export const SEGMENT_GROUP_TYPE = 'group';

/** Fields read into the event, and fields with no meaning here (the write key, Segment's own stamps). */
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
  'integrations',
]);
const IGNORED = new Set(['writeKey', 'receivedAt', '_metadata', 'channel', 'version']);

const isSegmentType = (v: unknown): v is SegmentType =>
  typeof v === 'string' && (segmentTypes as readonly string[]).includes(v);

/**
 * One message of the Segment HTTP Tracking API as our event (the README's "Segment" table), nothing
 * flattened: `properties`, `context` (the batch's context under the message's own keys),
 * `integrations` and `traits` as sent; the call's own fields (type, messageId, the event name as
 * sent, unknown top-level fields) in `context.segment`; page and screen `name`/`category` in
 * `properties` unless already there, as analytics.js puts them. `link`: alias calls (`previousId`),
 * and any call carrying both `userId` and `anonymousId`. `group`: group calls.
 * `callType` is the endpoint's type (`v1/track`), `batchSentAt` and `batchContext` the batch's.
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

  const properties = objectField(raw.properties, 'properties');
  if (!properties.ok) return rejected(messageId, properties.error);
  const traits = objectField(raw.traits, 'traits');
  if (!traits.ok) return rejected(messageId, traits.error);
  const integrations = objectField(raw.integrations, 'integrations');
  if (!integrations.ok) return rejected(messageId, integrations.error);
  const ownContext = objectField(raw.context, 'context');
  if (!ownContext.ok) return rejected(messageId, ownContext.error);
  const batchContext = objectField(options.batchContext, '(batch).context');
  if (!batchContext.ok) return rejected(messageId, batchContext.error);

  // The call's own fields: what our event does not carry elsewhere.
  const segment: [string, unknown][] = [['type', callType]];
  if (messageId !== null) segment.push(['messageId', messageId]);
  if (raw.event !== undefined) segment.push(['event', raw.event]);
  for (const key of Object.keys(raw)) {
    if (!MAPPED.has(key) && !IGNORED.has(key)) segment.push([key, raw[key]]);
  }
  const context = objectOf([
    ...Object.entries(batchContext.value ?? {}),
    ...Object.entries(ownContext.value ?? {}),
    ['segment', objectOf(segment)],
  ]);

  let props = properties.value;
  if (callType === 'page' || callType === 'screen') {
    const extra: [string, unknown][] = [];
    for (const field of ['name', 'category']) {
      const v = raw[field];
      if (v !== undefined && v !== null && !(props !== undefined && Object.hasOwn(props, field))) {
        extra.push([field, v]);
      }
    }
    if (extra.length > 0) props = objectOf([...Object.entries(props ?? {}), ...extra]);
  }

  let link: ClientEvent['link'];
  const anonymousId = idText(raw.anonymousId);
  if (callType === 'alias') {
    const previous = idText(raw.previousId);
    if (previous === undefined) {
      return rejected(messageId, {
        path: 'previousId',
        code: 'required',
        message: 'an alias call needs the previous id',
      });
    }
    // analytics.js sends the anonymous id as previousId when the user had no id yet.
    const previousId = previous === anonymousId ? `${ANONYMOUS_PREFIX}${previous}` : previous;
    const checked = checkId(previousId, 'previousId');
    if (!checked.ok) return rejected(messageId, checked.error);
    if (previousId !== user.userId) link = { previousId, via: 'alias' };
  } else if (idText(raw.userId) !== undefined && anonymousId !== undefined) {
    const checked = checkId(`${ANONYMOUS_PREFIX}${anonymousId}`, 'anonymousId', true);
    if (!checked.ok) return rejected(messageId, checked.error);
    if (checked.userId !== user.userId) link = { previousId: checked.userId, via: 'identify' };
  }

  let group: ClientEvent['group'];
  if (callType === 'group') {
    const groupId = idText(raw.groupId);
    if (groupId === undefined) {
      return rejected(messageId, {
        path: 'groupId',
        code: 'required',
        message: 'a group call needs a groupId',
      });
    }
    const checked = checkId(groupId, 'groupId');
    if (!checked.ok) return rejected(messageId, checked.error);
    group = { type: SEGMENT_GROUP_TYPE, id: groupId };
  }

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
  if (props !== undefined) event.properties = props;
  if (context !== undefined) event.context = context;
  if (integrations.value !== undefined) event.integrations = integrations.value;
  if (traits.value !== undefined) event.traits = traits.value;
  if (link !== undefined) event.link = link;
  if (group !== undefined) event.group = group;
  return { ok: true, messageId, event };
}
