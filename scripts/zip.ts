import { crc32 } from 'node:zlib';

import { unzipSync, type Zippable, zipSync } from 'fflate';

/** One file in a zip archive. Names use forward slashes and are relative. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Unix permission bits, 0o644 unless given. */
  mode?: number;
}

export interface ZipOptions {
  /** Timestamp written for every entry; fixed so the same input gives the same bytes. */
  mtime?: Date;
}

const DEFAULT_MTIME = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));
const UNIX = 3;
const REGULAR_FILE = 0o100000;

/** Throws for names a zip extractor could write outside its target folder. */
export function checkEntryName(name: string): void {
  if (
    name === '' ||
    name.startsWith('/') ||
    name.includes('\\') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    throw new Error(`Invalid zip entry name ${JSON.stringify(name)}`);
  }
}

/**
 * Writes a zip archive with fflate (deflate). Entries are sorted by name and stamped with one fixed
 * time, so equal input gives equal bytes; Unix modes go in the external attributes.
 */
export function createZip(entries: readonly ZipEntry[], options: ZipOptions = {}): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: Zippable = {};
  for (const e of sorted) {
    checkEntryName(e.name);
    if (e.name in files) throw new Error(`Duplicate zip entry ${e.name}`);
    files[e.name] = [
      e.data,
      {
        level: 6,
        mtime: options.mtime ?? DEFAULT_MTIME,
        os: UNIX,
        attrs: ((REGULAR_FILE | (e.mode ?? 0o644)) << 16) >>> 0,
      },
    ];
  }
  return Buffer.from(zipSync(files));
}

/** Reads every entry back and checks each one's CRC-32 against its local header. */
export function readZip(zip: Buffer): ZipEntry[] {
  const files = unzipSync(zip);
  const expected = new Map<string, number>();
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50;) {
    const nameLength = zip.readUInt16LE(at + 26);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    expected.set(name, zip.readUInt32LE(at + 14));
    at += 30 + nameLength + zip.readUInt16LE(at + 28) + zip.readUInt32LE(at + 18);
  }
  return Object.entries(files).map(([name, data]) => {
    if (crc32(data) !== expected.get(name)) throw new Error(`zip entry ${name} fails its CRC`);
    return { name, data };
  });
}
