import { resolve } from 'node:path';

import { appRoot } from '../src/appRoot.js';
import { runSql } from '../src/commands/sql/runSql.js';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/createDeps.js';
import { createJsonLogger } from '../src/logging/jsonLogger.js';
import { noTelemetry } from '../src/ports.js';
import { compactEvents } from '../src/sql/compactEvents.js';
import { createSqlParts } from '../src/sql/createSqlParts.js';

/** npm run sql: a thin shell around runSql with this checkout's settings (DATA_DIR, or Blob). */
const loaded = loadConfig(process.env, 'local');
if (!loaded.ok) {
  console.error(`Cannot start: ${loaded.message}`);
  process.exit(2);
}
const config = loaded.config;
const baseDir = appRoot();
const sql = createSqlParts(config, resolve(baseDir, config.DATA_DIR));
const code = await runSql(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  engine: () => sql.engine(),
  async compact() {
    const deps = await createDeps(config, {
      logger: createJsonLogger({ level: 'warn' }),
      telemetry: noTelemetry,
      baseDir,
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
}).finally(() => sql.close());
process.exit(code);
