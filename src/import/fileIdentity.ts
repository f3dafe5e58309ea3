import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const EDGE = 1024 * 1024;

/**
 * What names a file's saved position: SHA-256 of its size and its first and last MiB. A copy or a
 * rename keeps it; appending or editing near either end makes a new one (the import starts over).
 */
export async function fileIdentity(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha256').update(String(size));
    const head = Buffer.alloc(Math.min(EDGE, size));
    await handle.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > EDGE) {
      const tail = Buffer.alloc(Math.min(EDGE, size - EDGE));
      await handle.read(tail, 0, tail.length, size - tail.length);
      hash.update(tail);
    }
    return hash.digest('hex').slice(0, 32);
  } finally {
    await handle.close();
  }
}
