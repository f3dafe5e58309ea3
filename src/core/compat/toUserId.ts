import type { FieldError } from '../event.js';

const USER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
export const ANONYMOUS_PREFIX = 'anon:';

export type UserIdOutcome = { ok: true; userId: string } | { ok: false; error: FieldError };

const present = (v: unknown): v is string | number =>
  (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));

function check(value: string, path: string): UserIdOutcome {
  if (USER_ID.test(value)) return { ok: true, userId: value };
  return {
    ok: false,
    error: {
      path,
      code: 'invalid_user_id',
      message:
        'must be 1-128 characters of A-Z a-z 0-9 _ . : @ - (an anonymousId gets "anon:" in front)',
    },
  };
}

/** Our userId: the client's user id as is, else its anonymous id behind `anon:` so the two never mix. */
export function toUserId(
  userId: { value: unknown; path: string },
  anonymousId?: { value: unknown; path: string },
): UserIdOutcome {
  if (present(userId.value)) return check(String(userId.value), userId.path);
  if (anonymousId && present(anonymousId.value)) {
    return check(`${ANONYMOUS_PREFIX}${String(anonymousId.value)}`, anonymousId.path);
  }
  const which = anonymousId ? `${userId.path} or ${anonymousId.path}` : userId.path;
  return {
    ok: false,
    error: { path: userId.path, code: 'required', message: `${which} is required` },
  };
}
