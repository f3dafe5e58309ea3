import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

import { loadConfig } from '../../config.js';
import { parseUserId } from '../../core/analytics/analyticsParams.js';
import { auditEntry, CLI_ACTOR } from '../../core/audit/auditEntry.js';
import { fingerprint } from '../../core/privacy/deletion/fingerprint.js';
import { exportNdjson } from '../../core/privacy/exportPerson.js';
import { Closers } from '../../wiring/closers.js';
import { createArchive } from '../../wiring/createDeps.js';
import { dataPaths } from '../../wiring/dataPaths.js';
import { openStoreBackend } from '../../wiring/storeBackend.js';
import { type CommandIo, runCommand, UsageError } from '../commandIo.js';

const USAGE = 'usage: event-scoring export --user <id> --out <file.ndjson>   (npm run export -- …)';

/**
 * npm run export: writes everything stored about a person (the lines of GET
 * /api/privacy/users/{userId}/export) to a file, on the configured store and archive. The file
 * appears under its name only once complete (written beside it, then renamed).
 */
export async function exportCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    let values: { user?: string; out?: string; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          user: { type: 'string' },
          out: { type: 'string' },
          help: { type: 'boolean', default: false },
        },
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (values.user === undefined) throw new UsageError('--user is required');
    if (values.out === undefined) throw new UsageError('--out is required');
    const userId = parseUserId(values.user);
    if (!userId.ok) throw new UsageError(`--user: ${userId.errors[0]?.message ?? 'not valid'}`);
    const loaded = loadConfig(io.env, 'local');
    if (!loaded.ok) throw new UsageError(loaded.message);
    const config = loaded.config;
    const closers = new Closers();
    try {
      const backend = openStoreBackend(config, io.baseDir, closers);
      const store = await backend.scoreStore();
      const deadLetters = await backend.deadLetters();
      const audit = await backend.auditLog();
      await audit.append([
        auditEntry(
          CLI_ACTOR,
          'export',
          `user:${fingerprint(userId.value)}`,
          Date.now(),
          randomUUID,
        ),
      ]);
      const archive = await createArchive(config, dataPaths(config, io.baseDir).archive);
      closers.add(() => archive.close());
      const out = resolve(values.out);
      const partial = `${out}.partial`;
      let lines = 0;
      const counted = async function* () {
        for await (const chunk of exportNdjson({ store, deadLetters, archive }, userId.value)) {
          lines += 1;
          yield chunk;
        }
      };
      await pipeline(Readable.from(counted()), createWriteStream(partial), {
        signal: io.signal,
      });
      await rename(partial, out);
      io.out(`wrote ${lines} lines about ${userId.value} from ${backend.where} to ${out}`);
      return 0;
    } finally {
      await closers.closeAll();
    }
  });
}
