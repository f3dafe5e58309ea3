import { serialisedBytes } from '../serialisedBytes.js';
import { isObject, type MappedMessage, rejected } from './mappedMessage.js';

/**
 * A message over `limit` bytes serialised (or nested too deep to serialise) as a rejection of its
 * own, so the rest of the batch is taken; undefined when it fits. `idField` names the message's id
 * (`messageId`, `uuid`), reported when it is a short string.
 */
export function oversizedMessage(
  raw: unknown,
  limit: number,
  idField: string,
): MappedMessage | undefined {
  if (serialisedBytes(raw) <= limit) return undefined;
  const id = isObject(raw) ? raw[idField] : undefined;
  return rejected(typeof id === 'string' && id !== '' && id.length <= 100 ? id : null, {
    path: '(root)',
    code: 'too_big',
    message: `a message must be at most ${limit} bytes serialised`,
  });
}
