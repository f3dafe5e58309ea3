import { rename, writeFile } from 'node:fs/promises';

/** Writes through a temporary name, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
