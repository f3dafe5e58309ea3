import type { FieldError } from '../event.js';
import { MAX_USER_ID_LENGTH } from '../eventLimits.js';
import { userIdProblem } from '../userIdRule.js';

export const ANONYMOUS_PREFIX = 'anon:';

export type UserIdOutcome = { ok: true; userId: string } | { ok: false; error: FieldError };

const present = (v: unknown): v is string | number =>
  (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));

/** `value` as one of our ids, or the rule it breaks (userIdRule.ts) naming `path`. */
export function checkId(value: string, path: string, anonymous = false): UserIdOutcome {
  const problem = userIdProblem(value);
  if (problem === undefined) return { ok: true, userId: value };
  return {
    ok: false,
    error: {
      path,
      code: 'invalid_user_id',
      message: `${problem} (1-${MAX_USER_ID_LENGTH} characters without control characters${anonymous ? `, "${ANONYMOUS_PREFIX}" included` : ''})`,
    },
  };
}

/** An id field as sent (a string, or a number as its text); undefined when absent or empty. */
export const idText = (v: unknown): string | undefined => (present(v) ? String(v) : undefined);

/** Our userId: the client's user id as is, else its anonymous id behind `anon:` so the two never mix. */
export function toUserId(
  userId: { value: unknown; path: string },
  anonymousId?: { value: unknown; path: string },
): UserIdOutcome {
  if (present(userId.value)) return checkId(String(userId.value), userId.path);
  if (anonymousId && present(anonymousId.value)) {
    return checkId(`${ANONYMOUS_PREFIX}${String(anonymousId.value)}`, anonymousId.path, true);
  }
  const which = anonymousId ? `${userId.path} or ${anonymousId.path}` : userId.path;
  return {
    ok: false,
    error: { path: userId.path, code: 'required', message: `${which} is required` },
  };
}
