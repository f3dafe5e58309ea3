import { z } from 'zod';

import type { ScoreCursor } from '../ports.js';

const cursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

/** Continuation tokens are opaque to clients: base64url of the keyset position. */
export function encodeCursor(cursor: ScoreCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt, cursor.eventId])).toString('base64url');
}

export function decodeCursor(token: string): ScoreCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(
      JSON.parse(Buffer.from(token, 'base64url').toString('utf8')),
    );
    return parsed.success ? { occurredAt: parsed.data[0], eventId: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}
