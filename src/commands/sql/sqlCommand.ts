import { noTelemetry } from '../../adapters/telemetry/noTelemetry.js';
import { loadConfig } from '../../config.js';
import { createJsonLogger } from '../../logging/jsonLogger.js';
import { compactEvents } from '../../sql/compactEvents.js';
import { createDeps } from '../../wiring/createDeps.js';
import { createSqlParts } from '../../wiring/createSqlParts.js';
import { dataPaths } from '../../wiring/dataPaths.js';
import type { CommandIo } from '../commandIo.js';
import { runSql, USAGE } from './runSql.js';

/** sql: runSql (tested in process) on this environment's files: DATA_DIR/events/, or Blob. */
export async function sqlCommand(args: readonly string[], io: CommandIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const loaded = loadConfig(io.env, 'local');
  if (!loaded.ok) {
    io.err(`Cannot query: ${loaded.message}`);
    return 2;
  }
  const config = loaded.config;
  const sql = createSqlParts(config, dataPaths(config, io.baseDir).events);
  try {
    return await runSql(args, {
      out: (text) => io.out(text),
      err: (text) => io.err(text),
      engine: () => sql.engine(),
      async compact() {
        const deps = await createDeps(config, {
          logger: createJsonLogger({ level: 'warn' }),
          telemetry: noTelemetry,
          baseDir: io.baseDir,
        });
        try {
          return await compactEvents({
            store: deps.store,
            files: await sql.files(),
            writer: await sql.writer(),
            now: Date.now,
            newId: deps.newId,
          });
        } finally {
          await deps.close();
        }
      },
    });
  } finally {
    await sql.close();
  }
}
