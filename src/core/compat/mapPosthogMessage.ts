import type { ClientEvent } from '../event.js';
import { MAX_TYPE_LENGTH } from '../eventLimits.js';
import { amountOf } from './amountOf.js';
import { posthogEventId } from './compatEventId.js';
import { correctedTime } from './correctedTime.js';
import { isObject, type MapDeps, type MappedMessage, rejected } from './mappedMessage.js';
import { objectField, objectOf } from './objectField.js';
import { toEventType } from './toEventType.js';
import { checkId, idText, toUserId } from './toUserId.js';

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
/** `$` properties that become fields of their own rather than context. */
const CONSUMED = new Set([
  '$set',
  '$set_once',
  '$anon_distinct_id',
  '$group_type',
  '$group_key',
  '$group_set',
]);

/**
 * One PostHog capture message as our event (the README's "PostHog" table), nothing flattened:
 * properties without `$` in `properties` (plus `$groups`, the groups the event belongs to), other
 * `$` properties in `context` as sent (`$current_url`, `$lib`, autocapture's `$elements`, ...),
 * with the message's own fields (the event name as sent, a uuid that is no UUID, unknown top-level
 * fields) in `context.posthog`; `$set` in `traits` and `$set_once` in `traitsOnce` (top-level ones
 * too, the properties' keys winning); `$identify` with `$anon_distinct_id` and `$create_alias`
 * (`alias`) as `link`; `$groupidentify` as `group`, its `$group_set` as `traits` (the group's).
 * `batchSentAt` is the batch's `sent_at`, used when the message has none.
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

  const own: [string, unknown][] = [['event', raw.event]];
  if (messageId !== null && messageId.toLowerCase() !== posthogEventId(deps.keyId, messageId)) {
    own.push(['uuid', messageId]);
  }
  for (const key of Object.keys(raw)) {
    if (!MAPPED.has(key) && !IGNORED.has(key)) own.push([key, raw[key]]);
  }
  const properties: [string, unknown][] = [];
  const context: [string, unknown][] = [];
  if (props) {
    for (const key of Object.keys(props)) {
      if (SECRET_PROPERTIES.has(key) || CONSUMED.has(key)) continue;
      if (key === 'distinct_id' && raw.distinct_id === undefined) continue;
      if (key.startsWith('$') && key !== '$groups') context.push([key, props[key]]);
      else properties.push([key, props[key]]);
    }
  }
  context.push(['posthog', objectOf(own)]);

  const traitsParts: [string, unknown][] = [];
  const onceParts: [string, unknown][] = [];
  for (const [parts, value, path] of [
    [traitsParts, raw.$set, '$set'],
    [onceParts, raw.$set_once, '$set_once'],
    [traitsParts, props?.$set, 'properties.$set'],
    [onceParts, props?.$set_once, 'properties.$set_once'],
  ] as const) {
    const field = objectField(value, path);
    if (!field.ok) return rejected(messageId, field.error);
    if (field.value !== undefined) parts.push(...Object.entries(field.value));
  }

  let link: ClientEvent['link'];
  let group: ClientEvent['group'];
  if (raw.event === '$identify') {
    const anon = idText(props?.$anon_distinct_id);
    if (anon !== undefined) {
      const checked = checkId(anon, 'properties.$anon_distinct_id');
      if (!checked.ok) return rejected(messageId, checked.error);
      if (anon !== user.userId) link = { previousId: anon, via: 'identify' };
    }
  } else if (raw.event === '$create_alias') {
    const alias = idText(props?.alias);
    if (alias === undefined) {
      return rejected(messageId, {
        path: 'properties.alias',
        code: 'required',
        message: '$create_alias needs the alias',
      });
    }
    const checked = checkId(alias, 'properties.alias');
    if (!checked.ok) return rejected(messageId, checked.error);
    if (alias !== user.userId) link = { previousId: alias, via: 'alias' };
  } else if (raw.event === '$groupidentify') {
    const groupType = props?.$group_type;
    if (typeof groupType !== 'string' || groupType === '' || groupType.length > MAX_TYPE_LENGTH) {
      return rejected(messageId, {
        path: 'properties.$group_type',
        code: 'required',
        message: `$groupidentify needs a group type of 1-${MAX_TYPE_LENGTH} characters`,
      });
    }
    const groupKey = idText(props?.$group_key);
    if (groupKey === undefined) {
      return rejected(messageId, {
        path: 'properties.$group_key',
        code: 'required',
        message: '$groupidentify needs the group key',
      });
    }
    const checked = checkId(groupKey, 'properties.$group_key');
    if (!checked.ok) return rejected(messageId, checked.error);
    group = { type: groupType, id: groupKey };
    const groupSet = objectField(props?.$group_set, 'properties.$group_set');
    if (!groupSet.ok) return rejected(messageId, groupSet.error);
    if (groupSet.value !== undefined) traitsParts.push(...Object.entries(groupSet.value));
  }
  if (group === undefined) {
    // `$group_*` outside $groupidentify mean nothing to us: kept as context.
    for (const key of ['$group_type', '$group_key', '$group_set']) {
      if (props !== undefined && Object.hasOwn(props, key)) context.push([key, props[key]]);
    }
  }
  if (link === undefined && props !== undefined && Object.hasOwn(props, '$anon_distinct_id')) {
    context.push(['$anon_distinct_id', props.$anon_distinct_id]);
  }

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
  const propertiesObject = objectOf(properties);
  if (propertiesObject !== undefined) event.properties = propertiesObject;
  event.context = objectOf(context);
  const traits = objectOf(traitsParts);
  if (traits !== undefined) event.traits = traits;
  const traitsOnce = objectOf(onceParts);
  if (traitsOnce !== undefined) event.traitsOnce = traitsOnce;
  if (link !== undefined) event.link = link;
  if (group !== undefined) event.group = group;
  return { ok: true, messageId, event };
}
