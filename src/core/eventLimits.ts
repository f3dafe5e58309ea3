/*
 * The limits of the event contract, in one place: the zod schemas (event.ts), the fast path
 * (fastEvent.ts), the JSON walk (jsonValue.ts), key management and the docs read them from here.
 * README "The event contract" says why each has its value.
 */

/** An event serialised as JSON, in bytes: Segment's own limit per message. */
export const MAX_EVENT_BYTES = 32 * 1024;
/** Events in one ingest batch. */
export const MAX_BATCH_EVENTS = 1000;
/** How far ahead of receipt `occurredAt` may be, in ms. */
export const MAX_FUTURE_MS = 60 * 60 * 1000;
/**
 * Nesting of a JSON field (`properties`, `context`, ...): the field's own object is level 1, so
 * `properties.cart.items[0].sku` sits in level 4. Library payloads stay under 8.
 */
export const MAX_JSON_DEPTH = 32;
/**
 * A key inside a JSON field, in UTF-16 code units. posthog-js names a flag's property
 * `$feature/<flag key>`, and PostHog allows flag keys of 400 characters.
 */
export const MAX_JSON_KEY_LENGTH = 1024;
/**
 * A string inside a JSON field, in UTF-16 code units: no longer than an event may be. URLs that
 * carry state (posthog-js `$current_url`, analytics.js `context.page.url`) reach tens of KiB, and
 * posthog-js truncates strings only at 64 Ki: the event's size is the bound that decides.
 */
export const MAX_JSON_STRING_LENGTH = MAX_EVENT_BYTES;
/** `userId` (and `link.previousId`, `group.id`), in code points. */
export const MAX_USER_ID_LENGTH = 255;
/** `type`, and `group.type`. */
export const MAX_TYPE_LENGTH = 64;
