import { MAX_USER_ID_LENGTH } from './eventLimits.js';

/**
 * C0 controls, DEL, C1 controls, and (in a `u` pattern a surrogate range matches only a surrogate
 * that is not half of a pair) lone surrogates: one pass over the id finds any of them.
 */

const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * The rule of `userId` (also `link.previousId` and `group.id`): 1-255 characters counted as code
 * points, Unicode allowed, no control character (C0, DEL, C1) and no lone surrogate (it has no
 * UTF-8 form, so SQLite, logs and URLs would each store something else). The message of the
 * broken rule, or undefined when `id` keeps it.
 */
export function userIdProblem(id: string): string | undefined {
  const n = id.length;
  if (n === 0) return 'must not be empty';
  if (FORBIDDEN.test(id)) {
    return LONE_SURROGATE.test(id)
      ? 'must not contain lone surrogates (invalid Unicode)'
      : 'must not contain control characters';
  }
  // Code points: a UTF-16 length of at most 255 always fits, over 510 never does.
  if (n > MAX_USER_ID_LENGTH && codePoints(id) > MAX_USER_ID_LENGTH) {
    return `must be at most ${MAX_USER_ID_LENGTH} characters`;
  }
  return undefined;
}

function codePoints(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a well-formed string: a high surrogate is always followed by its low one
    if (c >= 0xd800 && c <= 0xdbff) i++;
    count++;
  }
  return count;
}
