import { parse, stringify, v5 } from 'uuid';

import { canonicalJson } from './canonicalJson.js';
import { createOccurrenceCounter } from './occurrenceCounter.js';

/** The UUIDv5 namespace of imported rows; changing it would change every derived id. */
export const IMPORT_NAMESPACE = '6d1f4a3e-2c4b-5e8a-9b7d-0f3c2a1e5b40';

/**
 * Ids for rows that carry none: UUIDv5 of the event's canonical JSON (keys sorted, eventId absent)
 * plus a newline and n, the number of identical rows earlier in the same file. The same file, or the
 * same events in another order or format, gives the same ids; editing one row changes only its own.
 */
export function createRowIdentity() {
  const counter = createOccurrenceCounter();
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  // Bytes in, not strings: uuid's own UTF-8 encoding and namespace parsing cost more than the SHA-1.
  const namespace = parse(IMPORT_NAMESPACE);
  const idOf = (name: string) => v5(Buffer.from(name, 'utf8'), namespace, bytes);
  return function eventIdOf(event: Record<string, unknown>): string {
    const content = canonicalJson(event);
    idOf(`${content}\n0`);
    const n = counter.next(view.getUint32(0), view.getUint32(4));
    if (n > 0) idOf(`${content}\n${n}`);
    return stringify(bytes);
  };
}
