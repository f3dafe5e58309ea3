import type { HeaderReader } from '../../ports/index.js';

/**
 * The key a request carries: `Authorization: Bearer <key>`, `x-api-key: <key>`, or HTTP Basic with
 * the key as user name and an empty password (what Segment's libraries send). Undefined when none.
 */
export function readKey(headers: HeaderReader): string | undefined {
  const direct = headers.get('x-api-key');
  if (direct !== null && direct.trim() !== '') return direct.trim();
  const authorization = headers.get('authorization');
  if (authorization === null) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return value === '' ? undefined : value;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  return user === '' ? undefined : user;
}
