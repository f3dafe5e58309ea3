import type { ClientEvent, FieldError } from '../event.js';

/** One Segment or PostHog message as our event, or why it cannot be one. */
export type MappedMessage =
  | { ok: true; messageId: string | null; event: ClientEvent }
  | { ok: false; messageId: string | null; errors: FieldError[] };

export interface MapDeps {
  /** Receive time, epoch ms. */
  now: number;
  /** Stable identity of the sending key: derived eventIds hang on it. */
  keyId: string;
  /** A fresh eventId for a message that came without an id. */
  newId: () => string;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const rejected = (messageId: string | null, ...errors: FieldError[]): MappedMessage => ({
  ok: false,
  messageId,
  errors,
});
